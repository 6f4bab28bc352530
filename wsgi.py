import gc

from cal import create_app

app = create_app()
# What the start-up made lives as long as the process: keep it out of the garbage
# collector's sweeps (Python docs, gc.freeze), which otherwise stall a request now and
# then for longer than the request itself (see bench/matching.py).
gc.freeze()
# A suggestions page makes some hundred thousand small objects (a candidate for each
# active volunteer); at the default threshold of 700 the youngest generation is swept
# hundreds of times a request. A larger one sweeps it a few times.
gc.set_threshold(50_000, 20, 10)

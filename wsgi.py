import gc

from cal import create_app

app = create_app()
# What the start-up made lives as long as the process: keep it out of the garbage
# collector's sweeps (Python docs, gc.freeze), which otherwise stall a request now and
# then for longer than the request itself (see bench/matching.py).
gc.freeze()

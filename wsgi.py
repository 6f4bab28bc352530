from cal import create_app

app = create_app()

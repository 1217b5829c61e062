"""The bare Flask "hello" endpoint every figure in BENCHMARKS.md is compared with."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"

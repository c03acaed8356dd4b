"""A bare Flask app answering "hello": the yardstick for the portal page's throughput.

Served by gunicorn with exactly the settings the benchmark uses for wingrant, so the
ratio of the two shows what wingrant's page costs on top of Flask and the server.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"

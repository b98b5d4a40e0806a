"""``python -m reuse``: the same as the ``reuse`` command."""

from reuse.cli import app

if __name__ == "__main__":
    app(prog_name="reuse")

"""``python -m graph`` runs the ``ikz`` command."""

from graph.cli import main

if __name__ == "__main__":
    main(prog_name="ikz")

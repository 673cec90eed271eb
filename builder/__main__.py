"""`python -m builder`: the command line (builder.cli.main)."""

from builder.cli.main import main

if __name__ == "__main__":
    main()

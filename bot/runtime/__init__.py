"""What every process shares: settings (`SIGNPOST_*` environment), the JSON log set-up with its
privacy filters, the uvicorn options, and starting/stopping local processes (`make run`, the
tests, the benchmark). May import `bot` only."""

"""The benchmark (`make bench`: this API against plain `rasa run`, closed-loop load, the parse
floor), the profiler (`make bench-profile`) and the fault drill (`make chaos`). Results go to
`results/`; the launchers come from `bot.runtime.processes`."""

"""The commands of `milepost`, one module each (`build` holds what `publish` shares with it):
each adds its own parser (`add`) and runs (`run`) by calling a function of the wing that
does the work, then prints what came of it. `generator/cli.py` puts them together."""

"""What a player types at the terminal, in words: the one text ``parity exercise --help``,
the ``help`` command and docs/how-to/run-an-exercise.md show. Standard library only, so
the command line can read it before anything is loaded.
"""

#: Words that end the exercise, and the requests that are not moves.
QUIT = ("q", "quit", "exit")
REQUESTS = ("list", "help", "state")

SYNTAX = """\
Type one line a turn (with --play both, one line per side):
  expel 30                          a move, its values in the order `list` shows them
  expel count=30 notice_days=7      ... or with the values named
  close houston; lift us-visa-2020  several moves, separated by ;
  (an empty line)                   no move this turn
  list                              the moves you can make now, and what each would do
  help expel                        one move: its values, defaults and choices now
  state                             the state of the missions again
  q                                 end the exercise here and write everything
  # a comment                       skipped (for prepared scripts)
A move's name can be shortened while it stays clear: close for close_post. Bad
input is explained and asked again; at the end of piped input the exercise ends
as with q."""

"""Imported only by the forkserver that ``runner.run_sphinx`` starts: Sphinx and friends, once, before any fork."""

from szpub.build import runner

runner.preload()

"""The speed benchmark of the support bot (issue 7): `make bench`, or `python -m bench`.

Every figure is measured beside its baseline in the same run, because these machines are shared and
noisy: the tokenizers beside Rasa's WhitespaceTokenizer, our NLU pipeline beside Rasa's default
whitespace pipeline trained on the same data, and the running bot beside a stock ``rasa init`` bot
started on the same machine. Results go to ``bench/results/*.json`` (git-ignored), the table to
stdout, and the latency-vs-concurrency plot to ``docs/latency-vs-concurrency.png`` (shown in
docs/performance.md; a run with other ``--levels`` draws it into ``bench/results/`` instead).

Modules, one per topic: :mod:`bench.tokenizer_bench`, :mod:`bench.nlu_bench`, :mod:`bench.e2e_bench`,
:mod:`bench.startup_bench`, :mod:`bench.training_bench`, :mod:`bench.stock_bot`, :mod:`bench.kakao_bench`
(the Kakao channel's capacity), :mod:`bench.report`;
:mod:`bench.servers` starts the bots, :mod:`bench.load` drives them over REST, :mod:`bench.profiling`
records py-spy profiles of the running servers.
"""

from __future__ import annotations

from paybot.settings import PROJECT_ROOT

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
RASA = VENV_BIN / "rasa"
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
PLOT_PATH = PROJECT_ROOT / "docs" / "latency-vs-concurrency.png"

"""Runs a loaded Rasa model's graph without dask: the same nodes, in the same dependency order.

Rasa 3.6's DaskGraphRunner, for every message and every dialogue prediction, works out again
which nodes the targets need (`minimal_graph_schema`), builds a dask graph of them and has dask
order and schedule it, all on one thread. With a model whose components take a few
milliseconds, that bookkeeping was ~10% of a turn. SequentialGraphRunner keeps Rasa's own
instantiated GraphNodes, works out each target list's order once, and calls the nodes one after
another, passing outputs exactly as dask does ((node name, output) pairs). Its results are the
same as dask's (tests/test_rasa_patches.py compares the intent rankings of every held-out
message), and it is only used on the Rasa version it was written for (bot/engine/rasa_patches.py).
"""
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Step = Tuple[str, Tuple[str, ...]]  # (node name, the names of the nodes or inputs it needs)


class SequentialGraphRunner(DaskGraphRunner):
    @classmethod
    def replacing(cls, runner: DaskGraphRunner) -> "SequentialGraphRunner":
        """The same graph and the same instantiated nodes as `runner` (nothing is loaded again)."""
        new = cls.__new__(cls)
        new.__dict__.update(runner.__dict__)
        new._plans = {}
        return new

    def _plan(self, targets: List[str]) -> List[Step]:
        key = tuple(targets)
        plan = self._plans.get(key)
        if plan is None:
            plan, seen = [], set()

            def visit(name: str) -> None:
                if name in seen:
                    return
                seen.add(name)
                node = self._graph_schema.nodes.get(name)
                if node is None:  # an input placeholder (the message, the tracker)
                    return
                for needed in node.needs.values():
                    visit(needed)
                plan.append((name, tuple(node.needs.values())))

            for target in targets:
                visit(target)
            self._plans[key] = plan
        return plan

    def run(self, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None) -> Dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets)
        done: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    f"names passed to the `run` method are the same as node names in the graph schema."
                )
            done[name] = (name, value)  # as dask gets it: a (name, value) pair
        try:
            for name, needs in plan:
                if name not in done:  # an input given under a node's name replaces it, as in dask
                    # A name nothing provides is passed as the bare name, as dask does.
                    done[name] = self._instantiated_nodes[name](*[done.get(n, n) for n in needs])
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(done[t] for t in run_targets)

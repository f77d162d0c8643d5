"""A tqdm progress bar for the import and export commands, one bar per stage."""

from __future__ import annotations

from typing import IO, Never

from tqdm import tqdm


class StageProgress:
    """Callable as ``progress(stage, done, total)``; draws on ``stream`` (stderr by default)."""

    def __init__(self, stream: IO[str] | None = None, disable: bool = False) -> None:
        self.stream = stream
        self.disable = disable
        self.stage: str | None = None
        self.bar: tqdm[Never] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=total, desc=stage, unit=" dòng", file=self.stream, disable=self.disable, leave=True
            )
        assert self.bar is not None
        if total != self.bar.total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

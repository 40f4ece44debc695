"""The one error the library raises for data a tax authority would refuse.

Every problem names the input at fault by its path in the inputs (`emitter.address.city_code`,
`items[2].ncm`, `certificate`) and says what is wrong in the active language, so that one
answer (a 400, a form) can show them all at once.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class FiscalDataError(ValueError):
    """`problems` lists everything wrong, each already translated."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{problem.field}: {problem.message}" for problem in problems))
        self.problems = problems

    @classmethod
    def one(cls, field: str, message: str) -> "FiscalDataError":
        return cls([Problem(field, message)])

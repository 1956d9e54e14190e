"""Which packages the wheel holds: bot and handlers as found, plus `locales/` (kept at the top
of the repository for its editors) as the package `bot.locales`, mapped in pyproject.toml.
`packages.find` cannot list a package under a name other than its folder's, hence this file.
Catalogs (.po) are compiled to .mo while the wheel is built, so an install needs no compile
step at run time."""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "bot", "locales").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)


setup(
    packages=[*find_packages(include=["bot", "bot.*", "handlers", "handlers.*"]), "bot.locales"],
    cmdclass={"build_py": BuildWithCatalogs},
)

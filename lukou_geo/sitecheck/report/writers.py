"""The old home of the report writers, kept only for ``lukou_geo/sitecheck/cli.py`` (edited elsewhere):
import :func:`lukou_geo.sitecheck.report.export_all`, :mod:`.tables` or :mod:`.document` instead.
Delete this module once the CLI imports ``export_all`` from :mod:`lukou_geo.sitecheck.report`."""

from lukou_geo.sitecheck.report import export_all

__all__ = ["export_all"]

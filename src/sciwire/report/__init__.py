"""report.json and report.html: what ``sciwire analyze`` writes."""

from sciwire.report.build import REPORT_VERSION, report_dict, summarize
from sciwire.report.html import render_html
from sciwire.report.writer import analyze_to_folder, write_report

__all__ = ["REPORT_VERSION", "analyze_to_folder", "render_html", "report_dict", "summarize", "write_report"]

"""The quarterly report: figures computed from the event log, written as CSV files and a printable HTML page.

    quarter.py   "2026-Q1", its bounds and ISO weeks in Vietnam's time
    load.py      the database -> `History` (history.py: events, feedback, handoffs, assisted sessions)
    figures.py   `History` -> `Figures` (pure: the numbers and nothing else); people.py for handoffs and
                 volunteers; funnel.py + flow_map.py for how far citizens get in each flow
    tables.py    `Figures` -> labelled tables (table.py), the one source of every number in CSV and HTML;
                 labels.py names ids after report.yaml (texts.py), the catalogue and flows.yaml
    charts.py    PNG charts (matplotlib, Agg); html.py the self-contained page; csv_out.py the CSV files
    build.py     all of it in order, for `motcua report` (bot/cli/report.py) and /admin/report

Every word of the report lives in report.yaml; the Python here holds no Vietnamese.
"""

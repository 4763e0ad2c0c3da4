"""Periodic reports: the daily 《重要舆情摘报》 (daily.py), numbered per year (issues.py)."""

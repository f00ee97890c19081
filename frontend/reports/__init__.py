"""Police and leadership reports (/bao-cao/): progress against quota with the daily trend
and forecast, the ranking of units, the work lists with their Excel/CSV exports, and the
plain-text report for the Zalo group. Reads come from outreach.reports."""

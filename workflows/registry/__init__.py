"""The cadre registry (干部名册): reading, editing, scans, headcount, the cadre file and what procedures write back."""

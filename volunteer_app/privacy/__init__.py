"""People's rights over their data (PIPL Articles 44–47): seeing and downloading what Shanzhi holds about oneself
(holdings.py), where to correct it, and closing one's account (closing.py)."""

"""The books area: the journal, the chart of accounts and the export to QuickBooks."""

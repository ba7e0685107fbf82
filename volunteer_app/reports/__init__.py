"""The town's numbers at a glance and data in and out of spreadsheets: dashboards with charts, imports with a
preview, exports of every list and the monthly report workbook."""

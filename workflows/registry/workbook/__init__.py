"""The registry workbook (.xlsx/.csv): its sheets and cells, reading, importing and exporting."""

"""The compliance web pages, split by concern: assessments, answering, evidence, findings, Excel."""

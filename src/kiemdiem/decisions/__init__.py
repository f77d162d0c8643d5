"""Thẩm định và quyết định: appraisal by the rules engine, decisions with quotas, re-classification, remediation."""

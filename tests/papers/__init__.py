"""Tests of the papers the office files: the 审批表, the .lrmx file, notices, document numbers, the 备案 package."""

"""The papers the personnel office files: the 审批表, the .lrmx file, the case's notices, the 备案 package."""

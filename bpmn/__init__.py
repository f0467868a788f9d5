"""cadreflow process definitions (BPMN, DMN, JSON Schema forms), shipped as package data."""

"""SpiffWorkflow's BPMN/DMN parser as deployment uses it: a parser with the spiff extensions, and its error."""

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException as ModelError
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

__all__ = ["ModelError", "new_parser"]


def new_parser() -> SpiffBpmnParser:
    """A parser that validates against the BPMN XSD and reads the spiff extensions (forms, properties)."""
    return SpiffBpmnParser(validator=VALIDATOR)

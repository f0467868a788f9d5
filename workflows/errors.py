"""The errors commands raise; the web layer maps each to one HTTP status and a message in Chinese."""

from workflows.text import t


class CommandError(Exception):
    """Base of every error a command reports to its caller."""

    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(CommandError):
    """The case, task or process does not exist."""

    code = "not_found"


class Forbidden(CommandError):
    """The actor's roles do not allow this command."""

    code = "forbidden"


class Conflict(CommandError):
    """Lost a race: the task is no longer open, claimed by someone else, or the version moved on."""

    code = "conflict"


class InvalidData(CommandError):
    """Submitted data failed validation; ``errors`` maps each field to its message."""

    code = "invalid_data"

    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.errors = errors


class EngineError(CommandError):
    """The process model failed while running (a script, a condition, a timer expression)."""

    code = "engine_error"


class Unavailable(CommandError):
    """A part of the installation the command needs is missing (a font, a setting); the operator must add it."""

    code = "unavailable"


class DeployError(CommandError):
    """A process definition was refused; says which file and which element (its id, and its name when it has one)."""

    code = "deploy_error"

    def __init__(self, message: str, file: str | None = None, element: str | None = None,
                 element_name: str | None = None):
        # A name drawn over two lines in the modeler arrives with its line break; the message keeps it on one line.
        element_name = " ".join((element_name or "").split()) or None
        if element and element_name:
            named = t("元素 {element}「{name}」", element=element, name=element_name)
        else:
            named = element and t("元素 {element}", element=element)
        where = t("{file} / {element}", file=file, element=named) if file and named else file or named
        super().__init__(t("{where}：{message}", where=where, message=message) if where else message)
        self.reason = message
        self.file = file
        self.element = element
        self.element_name = element_name if element else None


class DuplicateCase(Conflict):
    """A case of the same procedure for the same cadre is still running; ``case_id`` names it."""

    code = "duplicate_case"

    def __init__(self, message: str, case_id: int):
        super().__init__(message)
        self.case_id = case_id

"""What a case keeps of a cadre's education and post history, for the 任职资格 checks of a selection."""

from storage.models import Cadre


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def qualification_record(cadre: Cadre) -> dict:
    """Education (full-time and 在职) and every post with its 职务层次, 职级 and dates, oldest first.

    The record goes into the audit payload, so it holds only what the rules read, in a fixed order: a post's
    section, probation and reasons stay in the registry.
    """
    posts = sorted(cadre.posts, key=lambda post: (post.start_date, post.id or 0))
    return {
        "ft_education_level": cadre.ft_education_level,
        "pt_education_level": cadre.pt_education_level,
        "post_history": [{"title": post.title, "level": post.level, "rank": post.civil_service_rank,
                          "start_date": _day(post.start_date), "decision_date": _day(post.decision_date),
                          "end_date": _day(post.end_date)} for post in posts],
    }

"""A Kanban board's card order: the CRM pipeline's deals by stage, the projects board's tasks by
status. Cards carry a `position` in their column, start at 0 and tie on their last change."""

from django.db import connection
from django.db.models import Model


def column_make_room(
    *, record: Model, column_field: str, column: str, position: int, position_field: str = "position",
    changed_field: str = "updated_at", board_field: str | None = None,
) -> None:
    """Number the other cards of `record`'s column 0, 1, 2… in board order, skipping `position`.

    `board_field` names the field that tells one board from another where a table holds several
    (a task's `project`): only the cards of `record`'s board are renumbered. Moves on one board
    must take turns (the caller locks what the board belongs to): each renumbers the others.

    Cards start at position 0 and ties fall back to the last change, so only a renumbering
    puts a dropped card exactly where it was dropped. One UPDATE, whatever the column's size.
    The caller then saves `record` at `position` (with `column_field` set to `column`).
    """
    meta = type(record)._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_name = quote(meta.get_field(column_field).column)
    place_name = quote(meta.get_field(position_field).column)
    changed_name = quote(meta.get_field(changed_field).column)
    pk_name = quote(meta.pk.column)
    board = ""
    params = {"column": column, "record": record.pk, "position": position}
    if board_field is not None:
        field = meta.get_field(board_field)
        board = f"AND {quote(field.column)} = %(board)s"
        params["board"] = getattr(record, field.attname)
    # Only quoted names of the model's own table and fields are formatted in; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS card SET {place_name} = ranked.place
            FROM (
                SELECT {pk_name} AS id, rank + CASE WHEN rank >= %(position)s THEN 1 ELSE 0 END AS place
                FROM (
                    SELECT {pk_name}, row_number() OVER (
                        ORDER BY {place_name}, {changed_name} DESC, {pk_name} DESC
                    ) - 1 AS rank
                    FROM {table} WHERE {column_name} = %(column)s AND {pk_name} <> %(record)s {board}
                ) AS ordered
            ) AS ranked
            WHERE card.{pk_name} = ranked.id AND card.{place_name} <> ranked.place
            """,  # noqa: S608
            params,
        )

"""neighbourhood: the forum name's article (die Stadtteilgruppe, das WiN-Forum, der Beirat)

Texts put the article before the configurable forum name ("Über den Antrag
entscheidet das WiN-Forum"); before this, templates said "das Stadtteilgruppe".
Existing neighbourhoods get the article their forum name's head noun suggests
(a copy of the rule in ``neighbourhoods.models.guess_forum_article`` as it was
when this migration was written: migrations do not import the app).

Revision ID: 0006_forum_article
Revises: 0005_mail_outbox
Create Date: 2026-11-24 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_forum_article'
down_revision = '0005_mail_outbox'
branch_labels = None
depends_on = None

_GENDER_BY_ENDING = (
    (("forum", "gremium", "plenum", "treffen", "parlament"), "das"),
    (("rat", "kreis", "ausschuss", "tisch", "verbund"), "der"),
)


def _guess(forum_name):
    words = (forum_name or "").split()
    head = words[0].rsplit("-", 1)[-1].lower() if words else ""
    for endings, article in _GENDER_BY_ENDING:
        if head.endswith(endings):
            return article
    return "die"


def upgrade():
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forum_article', sa.String(length=3), nullable=True))

    conn = op.get_bind()
    neighbourhood = sa.table('neighbourhood', sa.column('id', sa.Integer), sa.column('forum_name', sa.String),
                             sa.column('forum_article', sa.String))
    for row in conn.execute(sa.select(neighbourhood.c.id, neighbourhood.c.forum_name)).all():
        conn.execute(neighbourhood.update().where(neighbourhood.c.id == row.id)
                     .values(forum_article=_guess(row.forum_name)))

    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.alter_column('forum_article', existing_type=sa.String(length=3), nullable=False)
        batch_op.create_check_constraint(op.f('ck_neighbourhood_forum_article'),
                                         "forum_article IN ('der', 'die', 'das')")


def downgrade():
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_neighbourhood_forum_article'), type_='check')
        batch_op.drop_column('forum_article')

from linkworker.domain.roles import Role
from linkworker.services.organisation import list_practices


def test_setup_creates_pcn_practices_and_users(database, actors):
    with database.session() as session:
        practices = list_practices(session, actors[Role.MANAGER])
    assert [p.ods_code for p in practices] == ["G99002", "G99001"]
    assert actors[Role.LINK_WORKER].role is Role.LINK_WORKER

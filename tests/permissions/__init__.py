"""Every URL of the project, for every role (DESIGN "Quality, measured"; STYLE §5).

One table of rows: a row names a URL pattern, the method to try, how to build its arguments from
real objects, and the answer each role gets. Each app brings its own rows, a ``ROWS`` list in
``convene/<app>/tests/permission_rows.py`` (a module, or a package when it grows large); the harness
here finds them through the installed apps (``test_matrix.ROWS``), so a new app adds its own file
and edits nothing here. ``test_every_url_has_a_row`` walks the URL resolver and fails, naming the URL,
when a pattern has no row, so a new page cannot ship without deciding who may open it.

- ``harness``: the roles, the expected answers, ``Row``, ``roles()``, the ``World`` every row is
  tried against and the helpers rows of several apps share; ``conftest``: the ``world`` fixture.
- ``site_rows``: the rows of what is not a Convene app (the admin, the accounts). Admin URLs are
  represented by a few rows; the rest of ``admin:*`` must match one of the shapes in
  ``ADMIN_COVERED`` (the admin checks its own permissions for those).
- ``test_matrix``: every row for every role, and the coverage of the URL patterns;
  ``test_objects``: object-level checks that a row cannot express.

Expected answers:
- ``LOGIN``: 302 to ``/accounts/login/?next=<this URL>`` (a page that needs a login, for an anonymous visitor)
- ``ADMIN_LOGIN``: 302 to ``/admin/login/?next=<this URL>`` (the admin's own login, for non-staff)
- ``REAUTH``: 302 to ``/accounts/reauthenticate/?next=<this URL>`` (allauth asks for the password again
  before security settings change; ``force_login`` records no recent authentication)
- an int: that status; ``(302, "/path")``: a redirect to exactly that path, ``(302, "/path*")``: to a
  path that starts so (the id of a new row is not known in advance).
For POST and PATCH rows ``state`` takes a snapshot before and after: a denied role changes nothing, an
allowed role changes it, unless the row names the role in ``unchanged`` (an answer that is not a refusal
but does nothing, such as leaving a group one is not in). API rows send JSON (``json``).

Speed: the world is built once per row (``test_matrix.test_url``); each role's request runs inside
``transaction.atomic()`` rolled back at its end, so one role's allowed write is not what the next role
sees. A failure names the URL, the method and every role that got a different answer.

Roles: besides the network's own (anonymous, member, committee, secretariat, admin), three about the
group ``world.group`` (G): an active member of G, a co-chair of G (appointed by the committee through
``cochair_appoint``), and a co-chair of another group H. Unless a row says otherwise, a member of G and
a co-chair of H answer like a plain member and a co-chair of G like a member of G.
"""

def projects_demo_load(*, actor, team): pass

"""The simulated sites of the fictional 青溪市 (DESIGN §6): a Discuz! forum in GBK, a Tieba-style bar
and a news site with RSS, served by `demo.server.DemoServer` from a seeded timeline (`demo.timeline`)."""

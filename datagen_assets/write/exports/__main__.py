"""`python -m datagen_assets.write.exports ...`: see `cli.main`."""

from datagen_assets.write.exports.cli import main

raise SystemExit(main())

"""Media: film, book, album and track titles, artists, genres, ratings, durations, ISBN."""

from __future__ import annotations

from datagen_assets.generate.generators import Choice, Normal
from datagen_assets.generate.meanings.catalog import add, numeric, vocab
from datagen_assets.generate.meanings.values import Amount, CheckDigits, IntegerChoice

M = "media"
add(
    "film_title",
    M,
    "text",
    r"(film|movie|show|episode|series)( title| name)?|title",
    vocab("film_title"),
    tables=r"film|movie|show|episode|series|cinema|screening|dvd|video",
    needs_table=True,
    prior=1.5,
)
add(
    "book_title",
    M,
    "text",
    r"(book )?title|book( name)?",
    vocab("book_title"),
    tables=r"book|novel|publication|library|loan|edition|chapter|article|paper",
    needs_table=True,
    prior=1.5,
)
add(
    "album_title",
    M,
    "text",
    r"(album )?(title|name)|album",
    vocab("album_title"),
    tables=r"album|record|release|discograph",
    needs_table=True,
    prior=1.5,
)
add(
    "track_title",
    M,
    "text",
    r"(track |song )?(title|name)|song|track",
    vocab("track_title"),
    tables=r"track|song|recording|playlist item|tune",
    needs_table=True,
    prior=1.5,
)
add(
    "artist_name",
    M,
    "text",
    r"(artist|band|performer|composer|singer|musician)( name)?",
    vocab("artist_name"),
)
add(
    "artist_of_table",
    M,
    "text",
    r"name|title",
    vocab("artist_name"),
    tables=r"artist|band|performer|composer|musician",
    needs_table=True,
    prior=1.5,
)
add(
    "playlist_name",
    M,
    "text",
    r"name|title",
    vocab("playlist"),
    tables=r"playlist",
    needs_table=True,
    prior=1.5,
)
add("genre", M, "text", r"(music )?genre( name)?|style", vocab("genre", 0.8))
add(
    "genre_of_table",
    M,
    "text",
    r"name|title|genre",
    vocab("genre", 0.3),
    tables=r"genre",
    needs_table=True,
    prior=1.8,
)
add(
    "film_genre",
    M,
    "text",
    r"genre|category",
    vocab("film_genre", 0.7),
    tables=r"film|movie|show|cinema",
    needs_table=True,
    prior=1.2,
)
add(
    "media_format",
    M,
    "text",
    r"name|media type|format",
    vocab("media_format", 0.8),
    tables=r"media type|media format|format",
    needs_table=True,
    prior=1.5,
)
add(
    "mpaa_rating",
    M,
    "text",
    r"(mpaa |content |age )?rating|certificate|classification",
    vocab("film_rating", 0.8),
    tables=r"film|movie|show|episode",
    needs_table=True,
    prior=1.5,
    lengths=(1, 10),
)
add(
    "film_length",
    M,
    "num",
    r"length|running time|run ?time|duration( minutes)?|minutes",
    numeric(IntegerChoice(70, 185), Normal(110, 20, 70, 200, 0)),
    tables=r"film|movie|show|episode|video|cinema",
    needs_table=True,
    prior=1.5,
)
add(
    "track_milliseconds",
    M,
    "num",
    r"milliseconds|duration ms|length ms|duration",
    Amount(235_000, 0.35, 30_000, 1_200_000, 0),
    tables=r"track|song|recording|audio",
    needs_table=True,
    prior=1.5,
)
add(
    "file_bytes",
    M,
    "num",
    r"(file )?(bytes|size bytes|size in bytes|file size|filesize|byte size)",
    Amount(4_500_000, 1.3, 100, 2e9, 0),
)
add(  # a bare `size` counts bytes only where files are kept (a part's size is its own)
    "stored_size",
    M,
    "num",
    r"size",
    Amount(4_500_000, 1.3, 100, 2e9, 0),
    tables=r"file|attachment|upload|blob|image|document|media|object|asset|backup|photo"
    r"|video|package|artifact|log|disk|volume|bucket|storage|download|snapshot",
    needs_table=True,
)
add(
    "image_format",
    M,
    "text",
    r"(image |file |picture )?(format|type|extension|ext)",
    Choice(("jpeg", "png", "webp", "gif", "svg"), (6, 5, 2, 1, 0.5)),
    tables=r"image|photo|picture|thumbnail|avatar|media|gallery|icon",
    needs_table=True,
    lengths=(3, 64),
)
add("item_size", M, "int", r"size", IntegerChoice(1, 50), prior=-1.5)
add(
    "release_year",
    M,
    "int text",
    r"(release |publication |published |production )?year"
    r"|year (released|published)|yr",
    IntegerChoice(1965, 2025),
    prior=0.5,
)
add("isbn", M, "text", r"isbn( 13)?|isbn13|ean", CheckDigits("isbn13"), lengths=(13, 17))
add("isbn10", M, "text", r"isbn 10|isbn10", CheckDigits("isbn10"), lengths=(10, 13))
add(
    "page_count",
    M,
    "num",
    r"(page|pages)( count)?|number of pages|num pages",
    numeric(Amount(280, 0.5, 20, 1500, 0)),
)
add(
    "language",
    M,
    "text",
    r"(original |spoken |audio |preferred )?language( name)?",
    lambda c, t: vocab("language_code" if (c.type.length or 99) <= 5 else "language_name", 1.5)(
        c, t
    ),
)
add(
    "language_code",
    M,
    "text",
    r"(language|lang|locale|iso language)( code| iso| iso code)?|locale",
    lambda c, t: vocab("locale_code" if (c.type.length or 5) >= 5 else "language_code", 1.0)(c, t),
    lengths=(2, 10),
)
add(
    "language_of_table",
    M,
    "text",
    r"name",
    vocab("language_name", 0.5),
    tables=r"language",
    needs_table=True,
    prior=1.8,
)
add(
    "views",
    M,
    "num",
    r"(\w+ )?(views|view count|plays|play count|listens|downloads|clicks"
    r"|impressions|hits|likes|favorites|favourites|shares|followers|subscribers|votes)",
    Amount(120, 1.6, 0, 1e8, 0),
)
add(
    "aircraft_model",
    M,
    "text",
    r"model|aircraft( model| type)?",
    vocab("aircraft_model", 0.5),
    tables=r"aircraft|plane|fleet",
    needs_table=True,
    prior=1.5,
)
add("airline", M, "text", r"airline|carrier", vocab("airline", 0.5))

"""Web and tech: URLs, domains, hosts, IPs, CIDRs, ports, MTU, MAC, ASN, MIME types, file
names and paths, charsets, user agents, DNS records, versions, interfaces."""

from __future__ import annotations

import re

from datagen_assets.generate.generators import Choice, Pattern
from datagen_assets.generate.meanings.catalog import add, vocab
from datagen_assets.generate.meanings.values import Amount, HtmlText, IntegerChoice

W = "web"
add(
    "url",
    W,
    "text",
    r"(\w+ )?(url|link|href|uri|endpoint|callback( url)?|redirect( url| uri)?"
    r"|webhook( url)?)",
    vocab("url"),
    lengths=(10, 2048),
)
add(
    "image_url",
    W,
    "text",
    r"(image|photo|picture|avatar|thumbnail|logo|cover|icon|banner)"
    r"( url| link| path| src)?",
    vocab("image_url"),
    lengths=(20, 2048),
    prior=0.5,
)
add(
    "domain",
    W,
    "text",
    r"(\w+ )?(domain( name)?|fqdn)",
    vocab("domain"),
    lengths=(4, 255),
)
add(  # a DNS zone is a domain; a monitoring or cluster zone is not (icinga `master`)
    "dns_zone",
    W,
    "text",
    r"(\w+ )?zone( name)?",
    vocab("domain"),
    tables=r"\b(dns|record|rr|domain|resolver|nameserver|bind|powerdns)\b",
    needs_table=True,
    lengths=(4, 255),
)
add(
    "hostname",
    W,
    "text",
    r"(\w+ )?(host( name)?|server( name)?|node( name)?|machine( name)?)",
    vocab("hostname"),
    lengths=(3, 255),
)
add(
    "ip_address",
    W,
    "text inet",
    r"(\w+ )?(ip( address)?|ipv4( address)?|remote addr(ess)?"
    r"|client ip|source ip|address ip)",
    # every octet 0..255 without a leading zero, by its shape (inet refuses 398 and 09)
    Pattern(r"(10|172|192)\.[1-9]?[0-9]\.(1[0-9]{2}|2[0-4][0-9]|[1-9]?[0-9])\.[1-9][0-9]?"),
    lengths=(7, 45),
)
add(
    "ipv6",
    W,
    "text inet",
    r"ipv6( address)?",
    Pattern(r"2001:db8:[0-9a-f]{1,4}:[0-9a-f]{1,4}::[0-9a-f]{1,4}"),
)
add(
    "cidr",
    W,
    "text inet",
    r"cidr|subnet|network( address)?|ip range|(ip|network|route|v4|v6) prefix",
    Pattern(r"10\.[1-9]?[0-9]\.(0\.0/16|[1-9]?[0-9]\.0/24)"),
    lengths=(9, 43),
)
add(  # a bare `prefix` is a network's only in a network table (a note's prefix is text)
    "network_prefix",
    W,
    "text inet",
    r"prefix",
    Pattern(r"10\.[1-9]?[0-9]\.(0\.0/16|[1-9]?[0-9]\.0/24)"),
    tables=r"network|subnet|route|prefix|vlan|ipam|interface|peer|pool|bgp",
    needs_table=True,
    lengths=(9, 43),
)
add(
    "port",
    W,
    "int text",
    r"(\w+ )?port( number)?",
    Choice(
        (443, 80, 22, 8080, 5432, 3306, 6379, 3389, 5900, 8443, 25, 53),
        (30, 18, 10, 8, 6, 5, 4, 5, 3, 4, 3, 4),
    ),
)
add("mtu", W, "int", r"mtu", Choice((1500, 9000, 1492, 1400, 576), (70, 12, 8, 6, 4)))
add(
    "mac_address",
    W,
    "text",
    r"(\w+ )?mac( address)?|hardware address|hw addr(ess)?",
    Pattern(r"02:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}"),
    lengths=(12, 17),
)
add("asn", W, "int text", r"asn|as number|autonomous system( number)?", IntegerChoice(64512, 65534))
add(
    "mime_type",
    W,
    "text",
    r"(\w+ )?(mime( type)?|content type|media type|mimetype|file type)",
    vocab("mime_type", 1.6),
    lengths=(5, 255),
)
add(
    "file_name",
    W,
    "text",
    r"(\w+ )?(file( name)?|filename|attachment( name)?|document name"
    r"|original name)",
    vocab("file_name"),
    lengths=(5, 255),
)
add(
    "file_path",
    W,
    "text",
    r"(\w+ )?(path|file path|location path|directory|folder|dir)",
    vocab("file_path"),
    lengths=(8, 4096),
)
add(
    "file_extension",
    W,
    "text",
    r"(file )?(extension|ext|suffix)",
    vocab("file_extension", 1.0),
    lengths=(2, 10),
)
add("charset", W, "text", r"charset|character set|char set|encoding", vocab("charset", 1.5))
add(
    "user_agent",
    W,
    "text",
    r"(http )?user agent|browser agent|client agent",
    vocab("user_agent"),
    lengths=(30, 1024),
)
add("browser", W, "text", r"browser( name)?", vocab("browser", 1.0))
add("os_name", W, "text", r"(os|operating system|platform os)( name)?", vocab("os_name", 1.0))
add("device_type", W, "text", r"device( type)?|device class", vocab("device_type", 1.2))
add("platform", W, "text", r"platform|client type|channel", vocab("platform", 1.0))
add(
    "http_method",
    W,
    "text",
    r"(http |request )?method|verb",
    vocab("http_method", 1.2),
    lengths=(3, 10),
)
add(
    "http_status",
    W,
    "int text",
    r"(http |response |status )?(status code|response code|http status)",
    Choice(
        (200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 500, 503),
        (70, 6, 3, 2, 3, 3, 3, 2, 2, 4, 1.5, 0.5),
    ),
)
add(
    "dns_type",
    W,
    "text",
    r"(record |dns |rr )?type",
    vocab("dns_type", 1.1),
    tables=r"dns|record|rr|zone|domain",
    needs_table=True,
    prior=1.5,
    lengths=(1, 10),
)
add(
    "dns_content",
    W,
    "text",
    r"content|value|data|target|answer",
    Pattern(r"(10|192)\.[1-9]?[0-9]\.(1[0-9]{2}|2[0-4][0-9]|[1-9]?[0-9])\.[1-9][0-9]?"),
    tables=r"dns|\brecord\b|\brr\b",
    needs_table=True,
    prior=1.5,
)
add(
    "ttl",
    W,
    "int",
    r"ttl|time to live",
    Choice((3600, 300, 86400, 60, 1800, 600, 43200), (40, 20, 15, 8, 8, 5, 4)),
)
add(
    "version",
    W,
    "text",
    r"(\w+ )?(version|release|revision|build)( number| no| string| tag)?|semver",
    Pattern(r"[1-9]\.[0-9]{1,2}\.[0-9]{1,2}"),
    lengths=(3, 40),
)
add(
    "version_int",
    W,
    "int",
    r"(\w+ )?(version|revision|rev|lock version)( number| no)?",
    IntegerChoice(1, 12, 1.2),
)
add("protocol", W, "text", r"protocol|scheme|proto", vocab("protocol", 1.0), lengths=(2, 20))
add(
    "interface_name",
    W,
    "text",
    r"(interface|iface|nic|if|network interface)( name)?",
    vocab("interface_name", 0.8),
)
add(
    "interface_of_table",
    W,
    "text",
    r"name",
    vocab("interface_name", 0.5),
    tables=r"interface|iface|\bnic\b",
    needs_table=True,
    prior=1.8,
)
add(
    "environment",
    W,
    "text",
    r"env( name)?|environment( name)?|stage|deployment( name)?",
    vocab("env_name", 1.0),
)
add(
    "service_name",
    W,
    "text",
    r"service( name)?|app( name)?|application( name)?|component|module",
    vocab("service_name"),
)
add(
    "db_engine",
    W,
    "text",
    r"(database |db )?(engine|driver|vendor|dialect)",
    vocab("db_engine", 1.0),
)
add(
    "response_ms",
    W,
    "num",
    r"(response|latency|elapsed|duration|execution|run|load) (time|ms|millis)"
    r"( ms)?|latency|elapsed ms|duration ms",
    Amount(120, 1.0, 1, 600_000, 0),
)
add(
    "cpu_percent", W, "num", r"cpu( usage| percent| load)?|load average", Amount(25, 0.7, 0, 100, 1)
)
add("memory_mb", W, "num", r"(memory|ram)( mb| size| usage)?", Amount(2048, 1.0, 16, 1_048_576, 0))
add(
    "disk_gb",
    W,
    "num",
    r"(disk|storage|volume)( gb| size| space)?|capacity gb",
    Amount(250, 1.0, 1, 100_000, 0),
)
add(
    "sql_type",
    W,
    "text",
    r"(data |column |sql )?type",
    vocab("sql_type", 0.8),
    tables=r"column|field|attribute|property|parameter",
    needs_table=True,
    prior=0.5,
)
add(
    "log_level",
    W,
    "text",
    r"(log )?level|severity level|log severity",
    vocab("log_level", 1.3),
    tables=r"log|event|audit|message|trace",
    needs_table=True,
    prior=1,
)
add(
    "event_type",
    W,
    "text",
    r"(event|activity|action)( type| name| kind)?|event",
    vocab("event_type", 1.0),
)
add(
    "audit_action",
    W,
    "text",
    r"action|operation|activity|change type",
    vocab("action", 1.0),
    tables=r"audit|log|history|activity|event|change",
    needs_table=True,
    prior=1,
)
add(
    "entity_type",
    W,
    "text",
    r"(entity|object|resource|target|subject|model|item|parent|owner)"
    r"( type| kind| class)",
    vocab("entity_type", 1.0),
)
add(
    "slug",
    W,
    "text",
    r"(\w+ )?slug|permalink|url key|handle|post name",
    lambda c, t: vocab(_slug_of(t), 0.0, "-")(c, t),
    lengths=(3, 255),
)


def _slug_of(table) -> str:
    """Products' slugs in a table of products, else slugs of titles (`weekly-report`)."""
    from datagen_assets.generate.meanings.commerce import PRODUCTS
    from datagen_assets.generate.meanings.tokens import table_tokens

    words = " ".join(table_tokens(table.name))
    return "product_slug" if re.search(PRODUCTS, words) else "title_slug"


add(  # publishing states of a post or page (WordPress publish/draft, not active/archived)
    "post_status",
    W,
    "text",
    r"(post |page |publish |publication |article )?status",
    Choice(("publish", "draft", "pending", "private", "future", "trash"), (70, 14, 5, 4, 3, 2)),
    tables=r"\b(post|page|article|blog|story|news|entry|content|revision)\b",
    needs_table=True,
    prior=1,
)
add(
    "comment_status",
    W,
    "text",
    r"(comment|ping|discussion) status",
    Choice(("open", "closed"), (8, 2)),
    prior=1,
)
add(
    "channel_via",
    W,
    "text",
    r"via|(\w+ )?(channel|source channel|contact channel|origin channel)( name)?|submitted via",
    vocab("channel", 0.8),
    lengths=(2, 40),
    prior=-0.5,
)
add(
    "html_text",
    W,
    "text",
    r"(\w+ )?(html|html body|body html|html content|content html|rendered|html description)",
    lambda c, t: HtmlText(),
    prior=0.5,
)
add(
    "metric_name",
    W,
    "text",
    r"(\w+ )?(metric|metric name|measure name|kpi|counter name|gauge name|series name)",
    vocab("metric_name", 0.4),
)
add(
    "config_key",
    W,
    "text",
    r"(meta|option|setting|config|configuration|property|attribute|param|parameter|pref"
    r"|preference|variable|var) (key|name)|key name",
    vocab("config_key"),
    prior=0.5,
)
add(
    "user_agent_agent",
    W,
    "text",
    r"(comment|http|browser|client|request|remote|visitor) agent",
    vocab("user_agent"),
)
add(
    "permission_codename",
    W,
    "text",
    r"codename|code name|permission code|perm code|permission key",
    vocab("permission_codename"),
)
add(
    "permission_label",
    W,
    "text",
    r"name|label|title|description",
    vocab("permission_label"),
    tables=r"\bpermission\b|\bprivilege\b|\bright\b",
    needs_table=True,
    prior=1.5,
)
add(
    "device_model",
    W,
    "text",
    r"(device |hardware |sensor |model )?model( name| number)?|hardware( model)?",
    vocab("device_model", 0.5),
    tables=r"device|sensor|gateway|meter|hardware|asset|equipment|printer|router|camera"
    r"|thermostat|server|phone|handset",
    needs_table=True,
    prior=2,
)

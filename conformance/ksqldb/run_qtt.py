#!/usr/bin/env python3
"""Runs ksqlDB's query-validation tests (QTT) through a real Kafka broker and `rivulet serve`.

For each test case, as ksqlDB's own harness does: its topics are created, its input records are
produced with their keys, values and timestamps, its statements are given unmodified over pgwire
(after `SET 'auto.offset.reset' = 'earliest'`, the harness's own setting), and the output topics
are read back and compared record by record with the expected key, value, timestamp and window.
A case that expects an error passes when one of its statements is refused.

Cases are compared per message key (a windowed key includes its window), in order (records of one key share a partition; across partitions
Kafka gives no order), and as a whole (no missing or extra record).

    run_qtt.py --rivulet .build/debug/rivulet [--broker host:port] [--only FILE.json ...]
               [--cases conformance/ksqldb/ci-cases.txt] [--expect-pass conformance/ksqldb/passing.txt]

Without --broker, a noida-db broker (PyPI `noida-db`) is started on a free port and removed at the
end. `--expect-pass` makes the run fail when a case listed there does not pass (the CI guard);
`--write-passing FILE` records the cases that passed.
"""
import argparse
import json
from decimal import Decimal
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaProducer

import qtt_protobuf

HERE = Path(__file__).resolve().parent
KEEP = os.environ.get("RIVULET_QTT_KEEP") == "1"  # keep each server's folder and log, to debug
SCHEMA_REGISTRY_FORMATS = {"AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR"}


# --- the broker ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Broker:
    """A noida-db Kafka broker in a temporary folder, killed at exit."""

    def __init__(self):
        import noida_db
        binary = Path(noida_db.__file__).parent / "noida-db"
        self.folder = Path(tempfile.mkdtemp(prefix="rivulet-qtt-broker-"))
        port = free_port()
        self.bootstrap = f"127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(binary), "start", "--only", "kafka", "--data-dir", str(self.folder / "data"), "--kafka-port", str(port)],
            stdout=open(self.folder / "log", "w"), stderr=subprocess.STDOUT)
        wait_for_port(port, 30, self.process)

    def close(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- what the statements declare --------------------------------------------------------------

# The column list is optional: a source in a schema registry format may take its columns from the registry.
CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(STREAM|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\"\w.]+)\s*(?:\((.*)\))?\s*WITH\s*\((.*)\)\s*;?\s*$",
                    re.IGNORECASE | re.DOTALL)


def split_top_level(text, separator=","):
    parts, depth, current, quote = [], 0, "", None
    for ch in text:
        if quote:
            current += ch
            if ch == quote:
                quote = None
            continue
        if ch in "'`\"":
            quote = ch
        elif ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def options_of(text):
    options = {}
    for part in split_top_level(text):
        if "=" not in part:
            continue
        key, value = part.split("=", 1)
        options[key.strip().lower()] = value.strip().strip("'")
    return options


class Declared:
    """How records of one topic are serialized, from a CREATE STREAM|TABLE with columns."""

    def __init__(self, columns, options):
        self.key_columns = [(name, type_) for name, type_, key in columns if key]
        self.value_columns = [(name, type_) for name, type_, key in columns if not key]
        fmt = options.get("format")
        self.key_format = (options.get("key_format") or fmt or "KAFKA").upper()
        self.value_format = (options.get("value_format") or fmt or "JSON").upper()
        self.window_type = (options.get("window_type") or "").upper() or None
        self.wrap_single = options.get("wrap_single_value", "true").lower() != "false"
        self.key_full_name = options.get("key_schema_full_name")
        self.value_full_name = options.get("value_schema_full_name")


def declared_topics(statements):
    topics = {}
    for statement in statements:
        match = CREATE.match(statement)
        if not match or re.search(r"\bAS\s+SELECT\b", statement, re.IGNORECASE):
            continue
        columns = []
        for column in split_top_level(match.group(3) or ""):
            words = column.split()
            if len(words) < 2:
                continue
            name = words[0].strip("`\"")
            upper = column.upper()
            is_key = bool(re.search(r"\b(PRIMARY\s+KEY|KEY)\s*$", upper))
            type_ = re.sub(r"\s+(PRIMARY\s+KEY|KEY)\s*$", "", column[len(words[0]):].strip(), flags=re.IGNORECASE).strip().upper()
            columns.append((name, type_, is_key))
        options = options_of(match.group(4))
        topic = options.get("kafka_topic") or match.group(2).strip("`\"").upper()
        topics[topic] = Declared(columns, options)
    return topics


# --- serialization ---------------------------------------------------------------------------

def kafka_bytes(value, type_):
    if value is None:
        return None
    base = type_.split("(")[0].strip()
    if base in ("INT", "INTEGER"):
        return struct.pack(">i", int(value))
    if base == "BIGINT":
        return struct.pack(">q", int(value))
    if base == "DOUBLE":
        return struct.pack(">d", float(value))
    if base == "BOOLEAN":
        return b"\x01" if value else b"\x00"
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def delimited_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serialize(value, columns, fmt, wrap_single=True, is_key=False):
    if fmt == "NONE":
        return None
    if value is None and (is_key or fmt != "DELIMITED"):
        return None
    if fmt == "KAFKA":
        return kafka_bytes(value, columns[0][1] if columns else "STRING")
    if fmt == "DELIMITED":
        if value is None:
            return None
        if isinstance(value, str):
            return value.encode()
        if isinstance(value, dict):
            return ",".join(delimited_text(value.get(name)) for name, _ in columns).encode()
        return delimited_text(value).encode()
    if fmt == "JSON":
        return json.dumps(value).encode()
    if fmt in qtt_protobuf.FORMATS:
        return qtt_protobuf.serialize(value, columns, is_key)
    raise Unsupported(f"{fmt} format")


def window_suffix(window):
    if window is None:
        return b""
    if window.get("type", "time").lower() == "session":
        return struct.pack(">qq", window["end"], window["start"])
    return struct.pack(">q", window["start"])


class Unsupported(Exception):
    pass


# --- the schema registry (AVRO, JSON_SR) ------------------------------------------------------

REGISTRY_SCHEMA_TYPES = {"AVRO": "AVRO", "JSON_SR": "JSON", "PROTOBUF": "PROTOBUF"}


def sql_type_tree(text):
    """A column's SQL type text as (NAME, arguments): ("ARRAY", [element]), ("MAP", [key, value]),
    ("STRUCT", [(field, type), ...]), ("DECIMAL", [precision, scale]) or (NAME, [])."""
    text = text.strip()
    upper = text.upper()
    for name in ("ARRAY", "MAP", "STRUCT"):
        if upper.startswith(name + "<") and text.endswith(">"):
            inner = split_top_level(text[len(name) + 1:-1])
            if name == "STRUCT":
                fields = []
                for part in inner:
                    field, _, type_ = part.strip().partition(" ")
                    fields.append((field.strip("`\""), sql_type_tree(type_)))
                return name, fields
            return name, [sql_type_tree(part) for part in inner]
    match = re.match(r"DECIMAL\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)", upper)
    if match:
        return "DECIMAL", [int(match.group(1)), int(match.group(2))]
    return upper.split("(")[0].strip(), []


def upper_fields(tree):
    kind, args = tree
    if kind == "STRUCT":
        return kind, [(field.upper(), upper_fields(sub)) for field, sub in args]
    if kind in ("ARRAY", "MAP"):
        return kind, [upper_fields(sub) for sub in args]
    return tree


def ksql_avro_type(tree, name):
    """The Avro schema ksqlDB generates for a column type (every value optional)."""
    kind, args = tree
    base = {"BOOLEAN": "boolean", "INT": "int", "INTEGER": "int", "BIGINT": "long", "DOUBLE": "double", "VARCHAR": "string",
            "STRING": "string", "BYTES": "bytes"}.get(kind)
    if base:
        schema = base
    elif kind == "DECIMAL":
        schema = {"type": "bytes", "logicalType": "decimal", "precision": args[0], "scale": args[1]}
    elif kind == "TIMESTAMP":
        schema = {"type": "long", "logicalType": "timestamp-millis"}
    elif kind == "DATE":
        schema = {"type": "int", "logicalType": "date"}
    elif kind == "TIME":
        schema = {"type": "int", "logicalType": "time-millis"}
    elif kind == "ARRAY":
        schema = {"type": "array", "items": ksql_avro_type(args[0], name)}
    elif kind == "MAP":
        schema = {"type": "map", "values": ksql_avro_type(args[1], name)}
    elif kind == "STRUCT":
        schema = ksql_avro_record(args, name)
    else:
        raise Unsupported(f"AVRO column type {kind}")
    return ["null", schema]


def ksql_avro_record(fields, name):
    namespace, _, short = name.rpartition(".")
    return {"type": "record", "name": short, "namespace": namespace,
            "fields": [{"name": field, "type": ksql_avro_type(tree, f"{name}_{field}"), "default": None} for field, tree in fields]}


def ksql_json_type(tree):
    kind, args = tree
    if kind in ("INT", "INTEGER"):
        schema = {"type": "integer", "connect.type": "int32"}
    elif kind in ("BIGINT", "TIMESTAMP", "DATE", "TIME"):
        schema = {"type": "integer", "connect.type": "int64"}
    elif kind in ("DOUBLE", "DECIMAL"):
        schema = {"type": "number"}
    elif kind == "BOOLEAN":
        schema = {"type": "boolean"}
    elif kind in ("VARCHAR", "STRING", "BYTES"):
        schema = {"type": "string"}
    elif kind == "ARRAY":
        schema = {"type": "array", "items": ksql_json_type(args[0])}
    elif kind == "MAP":
        schema = {"type": "object", "additionalProperties": ksql_json_type(args[1])}
    elif kind == "STRUCT":
        schema = {"type": "object", "properties": {field: ksql_json_type(tree) for field, tree in args}}
    else:
        raise Unsupported(f"JSON_SR column type {kind}")
    return {"oneOf": [{"type": "null"}, schema]}


def ksql_schema(columns, fmt, unwrapped):
    """The schema text ksqlDB registers for `columns`, as its test harness does for a topic whose
    schema the case does not give: a record (object) of optional fields, or with one key
    column, that column's own type."""
    # ksqlDB upper-cases unquoted names, and the runner reads them unquoted.
    trees = [(name.upper(), upper_fields(sql_type_tree(type_))) for name, type_ in columns]
    if fmt == "AVRO":
        if unwrapped and len(trees) == 1:
            return json.dumps(ksql_avro_type(trees[0][1], "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_" + trees[0][0]))
        return json.dumps(ksql_avro_record(trees, "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"))
    if unwrapped and len(trees) == 1:
        return json.dumps(ksql_json_type(trees[0][1]))
    return json.dumps({"type": "object", "properties": {name: ksql_json_type(tree) for name, tree in trees}})


def avro_datum(value, schema):
    """A QTT JSON value shaped for fastavro: DECIMALs as Decimal, record fields named as the
    schema spells them (QTT writes them upper-case), unions resolved."""
    if value is None:
        return None
    if isinstance(schema, list):
        branches = [b for b in schema if b != "null"]
        return avro_datum(value, branches[0]) if len(branches) == 1 else value
    if isinstance(schema, str):
        return value
    kind = schema.get("type")
    if schema.get("logicalType") == "decimal":
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-schema.get("scale", 0)))
    if schema.get("logicalType") in ("timestamp-millis", "timestamp-micros", "date", "time-millis") and isinstance(value, str):
        return int(value)  # QTT gives some epoch numbers as text
    if kind == "record" and isinstance(value, dict):
        by_upper = {k.upper(): v for k, v in value.items()}
        return {f["name"]: avro_datum(value.get(f["name"], by_upper.get(f["name"].upper())), f["type"]) for f in schema["fields"]}
    if kind == "array" and isinstance(value, list):
        return [avro_datum(v, schema["items"]) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: avro_datum(v, schema["values"]) for k, v in value.items()}
    if isinstance(kind, (dict, list)):
        return avro_datum(value, kind)
    return value


def plain(value):
    """A value decoded by confluent-kafka as QTT spells it: times as epoch numbers."""
    import datetime
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return int(value.timestamp() * 1000)
    if isinstance(value, datetime.date):
        return (value - datetime.date(1970, 1, 1)).days
    if isinstance(value, datetime.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) * 1000 + value.microsecond // 1000
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


class Registry:
    """`rivulet dev schema-registry` on a free port, for one case; confluent-kafka's serializers
    write the inputs and its deserializers read the outputs through it."""

    def __init__(self, rivulet):
        from confluent_kafka.schema_registry import SchemaRegistryClient
        self.process = subprocess.Popen([rivulet, "dev", "schema-registry", "--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("rivulet dev schema-registry did not start")
        self.client = SchemaRegistryClient({"url": self.url})
        self.serializers = {}

    def close(self):
        self.process.kill()
        self.process.wait()

    def call(self, method, path, body=None):
        import urllib.request
        import urllib.error
        request = urllib.request.Request(self.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise RuntimeError(f"schema registry: {method} {path}: {error.code} {error.read()!r}")

    def register_case_schemas(self, case, declared):
        """The schemas the case's topics give (`keySchema`, `valueSchema`, with their ids)."""
        for topic in case.test.get("topics", []):
            spec = declared.get(topic.get("name"))
            for side in ("key", "value"):
                schema = topic.get(f"{side}Schema")
                if schema is None:
                    continue
                fmt = (topic.get(f"{side}Format") or (spec and getattr(spec, f"{side}_format")) or case.format or "AVRO").upper()
                if fmt not in REGISTRY_SCHEMA_TYPES:
                    raise Unsupported(f"{fmt} schemas")
                body = {"schema": schema if isinstance(schema, str) else json.dumps(schema)}
                if REGISTRY_SCHEMA_TYPES[fmt] != "AVRO":
                    body["schemaType"] = REGISTRY_SCHEMA_TYPES[fmt]
                if topic.get(f"{side}SchemaId") is not None:
                    body["id"] = topic[f"{side}SchemaId"]
                self.call("POST", f"/subjects/{topic['name']}-{side}/versions", body)

    def serializer(self, topic, side, fmt, columns, full_name=None):
        """(serializer, schema) of a topic's keys or values: the subject's latest schema, else
        the one ksqlDB makes for the declared columns, registered. confluent-kafka's protobuf
        serializer takes only compiled message classes, so PROTOBUF records are framed here:
        magic byte, schema id, message indexes, then the message Python's protobuf writes."""
        from confluent_kafka.schema_registry.avro import AvroSerializer
        from confluent_kafka.schema_registry.json_schema import JSONSerializer
        if (topic, side) in self.serializers:
            return self.serializers[(topic, side)]
        latest = self.call("GET", f"/subjects/{topic}-{side}/versions/latest")
        if latest is None:
            if not columns:
                raise Unsupported(f"{topic}'s {side} has neither declared columns nor a schema")
            text = qtt_protobuf.schema_text(columns) if fmt == "PROTOBUF" else ksql_schema(columns, fmt, unwrapped=side == "key")
            schema_type = REGISTRY_SCHEMA_TYPES[fmt]
            schema_id = self.call("POST", f"/subjects/{topic}-{side}/versions",
                                  {"schema": text, **({"schemaType": schema_type} if schema_type != "AVRO" else {})})["id"]
        else:
            text, schema_id = latest["schema"], latest["id"]
        conf = {"auto.register.schemas": False, "use.schema.id": schema_id}
        if fmt == "PROTOBUF":
            try:
                message_type, indexes = (qtt_protobuf.message_class(columns), [0]) if columns and latest is None else \
                    qtt_protobuf.message_class_of_text(text, full_name)
            except (ValueError, KeyError) as error:
                raise Unsupported(f"PROTOBUF schema of {topic}-{side}: {error}")
            header = b"\x00" + struct.pack(">I", schema_id) + qtt_protobuf.index_bytes(indexes)
            made = (lambda value, _context: header + qtt_protobuf.fill_message(message_type, value), None)
        elif fmt == "AVRO":
            made = (AvroSerializer(self.client, text, conf=conf), json.loads(text))
        else:
            made = (JSONSerializer(text, self.client, conf=conf), None)
        self.serializers[(topic, side)] = made
        return made

    def serialize(self, value, topic, side, fmt, columns, full_name=None):
        from confluent_kafka.serialization import MessageField, SerializationContext
        if value is None:
            return None
        serializer, avro_schema = self.serializer(topic, side, fmt, columns, full_name)
        if avro_schema is not None:
            value = avro_datum(value, avro_schema)
        field = MessageField.KEY if side == "key" else MessageField.VALUE
        return serializer(value, SerializationContext(topic, field))

    def decode(self, data, topic, side, expected):
        """Reads a record written in a registry format for the topic, else as `decode_like` does."""
        from confluent_kafka.schema_registry.avro import AvroDeserializer
        from confluent_kafka.schema_registry.json_schema import JSONDeserializer
        from confluent_kafka.serialization import MessageField, SerializationContext
        if data is None or len(data) < 5 or data[0] != 0:
            return decode_like(data, expected)
        schema_id = struct.unpack(">I", data[1:5])[0]
        usages = self.call("GET", f"/schemas/ids/{schema_id}/versions") or []
        if not any(u["subject"] == f"{topic}-{side}" for u in usages):
            return decode_like(data, expected)
        schema = self.call("GET", f"/schemas/ids/{schema_id}")
        context = SerializationContext(topic, MessageField.KEY if side == "key" else MessageField.VALUE)
        if schema.get("schemaType", "AVRO") == "AVRO":
            return plain(AvroDeserializer(self.client)(data, context))
        if schema.get("schemaType") == "PROTOBUF":
            indexes, payload = qtt_protobuf.message_indexes(data[5:])
            try:
                if isinstance(expected, dict):
                    # The registered schema numbers the fields; follow it rather than guess.
                    names = qtt_protobuf.top_level_fields(schema["schema"], indexes)
                    return qtt_protobuf.decode_like(payload, expected, names if set(names) == set(expected) else None)
                return next(iter(qtt_protobuf.decode_like(payload, {"value": expected}).values()))  # a key of one column
            except ValueError:
                return data
        return plain(JSONDeserializer(None, schema_registry_client=self.client)(data, context))


def uses_registry(case):
    text = " ".join(case.statements()).upper()
    return any(re.search(rf"FORMAT\s*=\s*'{fmt}'", text) for fmt in REGISTRY_SCHEMA_TYPES) or any(
        topic.get("keySchema") is not None or topic.get("valueSchema") is not None for topic in case.test.get("topics", []))


# --- decoding what Rivulet wrote, guided by what ksqlDB expects -------------------------------

def decode_like(data, expected):
    """Reads `data` as the kind of value `expected` is: a JSON document, delimited text, or one
    primitive in the KAFKA format (4 or 8 bytes big-endian for numbers, UTF-8 for text)."""
    if data is None:
        return None
    if isinstance(expected, (dict, list)):
        try:
            # Decimal keeps a DECIMAL's scale, which ksqlDB's expected outputs spell ("3.40").
            return json.loads(data, parse_float=Decimal)
        except ValueError:
            pass
        try:
            return qtt_protobuf.decode_like(data, expected)  # PROTOBUF_NOSR
        except ValueError:
            return data
    if isinstance(expected, bool):
        try:
            return json.loads(data)
        except ValueError:
            return data[:1] == b"\x01" if len(data) == 1 else data
    if isinstance(expected, int):
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            pass
        if len(data) == 4:
            return struct.unpack(">i", data)[0]
        if len(data) == 8:
            return struct.unpack(">q", data)[0]
        return data
    if isinstance(expected, float):
        try:
            return float(json.loads(data))
        except (ValueError, TypeError, UnicodeDecodeError):
            pass
        if len(data) == 8:
            return struct.unpack(">d", data)[0]
        return data
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return data
    if isinstance(expected, str):
        if text == expected:
            return text
        try:
            parsed = json.loads(text)
            if parsed == expected:
                return parsed
        except ValueError:
            pass
    return text


def split_windowed_key(data, window):
    if data is None or window is None:
        return data, None
    if window.get("type", "time").lower() == "session":
        if len(data) < 16:
            return data, "short"
        end, start = struct.unpack(">qq", data[-16:])
        return data[:-16], {"start": start, "end": end, "type": "session"}
    if len(data) < 8:
        return data, "short"
    start = struct.unpack(">q", data[-8:])[0]
    end = start + window["end"] - window["start"]
    return data[:-8], {"start": start, "end": end, "type": window.get("type", "time")}


def same(want, got):
    """Whether a decoded value equals ksqlDB's expected one: a number read as Decimal equals an
    expected number of the same value, and an expected DECIMAL's text ("3.40") digit for digit."""
    if isinstance(got, Decimal):
        if isinstance(want, str):
            if str(got) == want:
                return True
            # ksqlDB's harness spells an Avro DECIMAL padded to its precision ("05.10" for 5.10).
            try:
                return Decimal(want) == got and Decimal(want).as_tuple().exponent == got.as_tuple().exponent
            except ArithmeticError:
                return False
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            return got == Decimal(repr(want))
        return False
    if isinstance(want, dict) and isinstance(got, dict):
        return want.keys() == got.keys() and all(same(want[k], got[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same(w, g) for w, g in zip(want, got))
    return normalize(want) == normalize(got)


def normalize(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


# --- one case --------------------------------------------------------------------------------

class Case:
    def __init__(self, file, test, fmt=None):
        self.file = file
        self.test = test
        self.format = fmt
        self.name = f"{file}: {test['name']}" + (f" - {fmt}" if fmt else "")

    def statements(self):
        return [s.replace("{FORMAT}", self.format) if self.format else s for s in self.test["statements"]]


def cases_in(path):
    data = json.loads(Path(path).read_text())
    for test in data.get("tests", []):
        if test.get("enabled") is False:
            continue
        for fmt in test.get("format") or [None]:
            yield Case(Path(path).stem, test, fmt)


class Server:
    def __init__(self, rivulet, bootstrap, registry_url=None):
        self.folder = Path(tempfile.mkdtemp(prefix="rivulet-qtt-"))
        env = dict(os.environ, RIVULET_KAFKA_BOOTSTRAP_SERVERS=bootstrap)
        self.log = open(self.folder / "log", "w+")
        # ksqlDB's `ksql.schema.registry.url`, a server setting.
        registry = ["--schema-registry-url", registry_url] if registry_url else []
        self.process = subprocess.Popen(
            [rivulet, "serve", "--data-dir", str(self.folder / "data"), "--pg-port", "0", "--http-port", "0"] + registry,
            stdout=subprocess.PIPE, stderr=self.log, env=env, text=True)
        printed = ""
        while True:
            line = self.process.stdout.readline()
            printed += line
            match = re.search(r"pgwire listening on [\d.]+:(\d+)", line)
            if match:
                break
            if not line:
                raise RuntimeError(f"rivulet serve did not start: {printed!r}")
        self.port = int(match.group(1))

    def close(self, keep=False):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()
        if keep:
            print(f"  kept {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def reset_topics(admin):
    topics = [t for t in admin.list_topics(timeout=10).topics if not t.startswith("__")]
    if topics:
        for future in admin.delete_topics(topics, operation_timeout=10).values():
            try:
                future.result()
            except Exception:
                pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not [t for t in admin.list_topics(timeout=10).topics if not t.startswith("__")]:
            return
        time.sleep(0.05)


def create_topics(case, admin):
    partitions = {t["name"]: t.get("partitions", 1) for t in case.test.get("topics", []) if "name" in t}
    inputs = case.test.get("inputs", [])
    # Output topics too, so that they keep records stamped in 1970: the broker's time-based
    # retention would delete them from a topic created with its defaults.
    outputs = {record["topic"] for record in case.test.get("outputs", [])}
    names = {record["topic"] for record in inputs} | set(partitions) | outputs
    new = [NewTopic(name, partitions.get(name, 1), 1, config={"retention.ms": "-1"}) for name in sorted(names)]
    if new:
        for future in admin.create_topics(new, operation_timeout=10).values():
            future.result()


def input_records(case, registry=None):
    """(topic, producer arguments) for each input record of the case, in order, serialized as
    its CREATE statement declares; Unsupported when the runner cannot write them."""
    declared = declared_topics(case.statements())
    records = []
    for record in case.test.get("inputs", []):
        spec = declared.get(record["topic"])
        if spec is None:
            raise Unsupported(f"input topic {record['topic']} is declared by no CREATE statement the runner reads")
        for fmt in (spec.key_format, spec.value_format):
            if fmt in SCHEMA_REGISTRY_FORMATS and fmt not in qtt_protobuf.FORMATS and (registry is None or fmt not in REGISTRY_SCHEMA_TYPES):
                raise Unsupported(f"{fmt} needs a schema registry")
        if spec.key_format in REGISTRY_SCHEMA_TYPES:
            key = registry.serialize(record.get("key"), record["topic"], "key", spec.key_format, spec.key_columns, spec.key_full_name)
        else:
            key = serialize(record.get("key"), spec.key_columns, spec.key_format, is_key=True)
        if key is not None and record.get("window"):
            key += window_suffix(record["window"])
        if spec.value_format in REGISTRY_SCHEMA_TYPES:
            value_bytes = registry.serialize(record.get("value"), record["topic"], "value", spec.value_format, spec.value_columns,
                                             spec.value_full_name)
        else:
            value_bytes = serialize(record.get("value"), spec.value_columns, spec.value_format)
        # ksqlDB's harness stamps a record given without a timestamp with 0.
        kwargs = {"key": key, "value": value_bytes, "timestamp_ms": record.get("timestamp", 0)}
        if "partition" in record:
            kwargs["partition"] = record["partition"]
        records.append((record["topic"], kwargs))
    return records


def produce_inputs(records, bootstrap, after_each=None):
    """Writes `records` in order; `after_each()` runs after each one is written."""
    # kafka-python, not librdkafka: librdkafka writes a timestamp of 0 as "now", and ksqlDB's
    # tests use 0 often.
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, api_version=(2, 5, 0))
    for topic, kwargs in records:
        if kwargs["key"] is None and kwargs["value"] is None:
            produce_null_record(bootstrap, topic, kwargs)
        else:
            producer.send(topic, **kwargs).get(timeout=30)
        if after_each:
            after_each()
    producer.flush(30)
    producer.close()


def produce_null_record(bootstrap, topic, kwargs):
    """A record without key and value, which kafka-python refuses to send: through librdkafka,
    which writes a timestamp of 0 as "now", so 0 becomes 1 (the difference the README notes)."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    extra = {"partition": kwargs["partition"]} if "partition" in kwargs else {}
    producer.produce(topic, key=None, value=None, timestamp=max(kwargs["timestamp_ms"], 1), **extra)
    if producer.flush(30) != 0:
        raise RuntimeError(f"a record without key and value was not delivered to {topic}")


def read_topic(bootstrap, admin, topic, expected_count, timeout, settle):
    """The records of `topic` from its start: once `expected_count` have come and `settle`
    seconds pass without another, or after `timeout` seconds. Partitions are assigned, not
    subscribed: a group would wait for a rebalance when the topic appears."""
    deadline = time.monotonic() + timeout
    partitions = []
    while time.monotonic() < deadline:
        metadata = admin.list_topics(topic=topic, timeout=5).topics.get(topic)
        if metadata is not None and metadata.error is None and metadata.partitions:
            partitions = sorted(metadata.partitions)
            break
        time.sleep(0.05)
    if not partitions:
        return []
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "qtt-reader", "enable.auto.commit": False,
                         "isolation.level": "read_committed"})
    records = []
    quiet_until = None
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        while True:
            now = time.monotonic()
            if now > deadline:
                break
            if len(records) >= expected_count:
                if quiet_until is None:
                    quiet_until = now + settle
                elif now > quiet_until:
                    break
            message = consumer.poll(0.1)
            if message is None or message.error():
                continue
            timestamp_type, timestamp = message.timestamp()
            records.append({"key": message.key(), "value": message.value(), "timestamp": timestamp,
                            "partition": message.partition()})
            quiet_until = None
    finally:
        consumer.close()
    return records


EPOCH_NOTE = "a record timestamp of 0 is written as 1 (README: differences from ksqlDB)"


def compare(expected, actual, notes, decode=None):
    """Differences between ksqlDB's records and ours, as text lines (none: equal). A documented
    difference is added to `notes` instead. `decode(data, expected, side)` reads a key or value
    (default: `decode_like`; a case with a schema registry reads its formats through it)."""
    if decode is None:
        def decode(data, want, side):
            return decode_like(data, want)
    # Match each expected record, per key in order: the n-th expected record of a key against
    # the n-th actual record whose key decodes to that key.
    problems = []
    remaining = list(actual)
    for index, want in enumerate(expected):
        found = None
        # A windowed key holds its window: records of one key and window are one message key.
        for position, got in enumerate(remaining):
            key_bytes, window = split_windowed_key(got["key"], want.get("window"))
            key = decode(key_bytes, want.get("key"), "key")
            if normalize(key) != normalize(want.get("key")):
                continue
            if want.get("window") is not None and window not in (None, "short") and window["start"] != want["window"]["start"]:
                continue
            found = position
            break
        if found is None:
            problems.append(f"missing #{index}: {json.dumps(want)}")
            continue
        got = remaining.pop(found)
        key_bytes, window = split_windowed_key(got["key"], want.get("window"))
        value = decode(got["value"], want.get("value"), "value")
        differences = []
        if not same(want.get("value"), value):
            differences.append(f"value {value!r}")
        if "timestamp" in want and got["timestamp"] != want["timestamp"]:
            if want["timestamp"] == 0 and got["timestamp"] == 1:
                notes.add(EPOCH_NOTE)
            else:
                differences.append(f"timestamp {got['timestamp']}")
        if want.get("window") is not None:
            expected_window = {k: want["window"][k] for k in ("start", "end")}
            if window == "short" or window is None or {k: window[k] for k in ("start", "end")} != expected_window:
                differences.append(f"window {window}")
        if differences:
            problems.append(f"record #{index} {json.dumps(want)}: got " + ", ".join(differences))
    for got in remaining:
        problems.append(f"extra: key={got['key']!r} value={got['value']!r} timestamp={got['timestamp']}")
    return problems


def query_troubles(port):
    """What SHOW QUERIES says of queries that are not running, and the first bad records."""
    lines = []
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="qtt", dbname="rivulet", autocommit=True) as connection:
            for row in connection.execute("SHOW QUERIES").fetchall():
                lines.append(f"query {row[0]} {row[1]}: {row[2]} rows in, {row[3]} out, {row[4]} late" + (f": {row[7]}" if row[7] else ""))
            for row in connection.execute("SELECT source, reason, raw_text FROM rivulet_errors").fetchall()[:3]:
                lines.append(f"bad record in {row[0]}: {row[1]}: {row[2]!r}")
    except psycopg.Error as error:
        lines.append(f"server: {error}")
    return lines


def several_queries_write_one_topic(case):
    """Whether an INSERT INTO adds a second writer to a topic: two queries running side by
    side interleave their records as they are scheduled."""
    statements = [" ".join(s.split()).upper() for s in case.statements()]
    writers = [s for s in statements if " AS SELECT " in s or s.startswith("INSERT INTO ")]
    return len(writers) > 1 and any(s.startswith("INSERT INTO ") for s in writers)


class QueryProgress:
    """Waits, after each input record, until the server's queries have read one more row, so
    that inputs are processed in the order they were written, as ksqlDB's test driver does."""

    def __init__(self, port):
        self.connection = psycopg.connect(host="127.0.0.1", port=port, user="qtt", dbname="rivulet", autocommit=True)
        self.rows_in = self.total()

    def total(self):
        return sum(int(row[2]) for row in self.connection.execute("SHOW QUERIES").fetchall())

    def wait_for_next_row(self, timeout=3):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            total = self.total()
            if total > self.rows_in:
                self.rows_in = total
                return
            time.sleep(0.01)


def run_case(case, rivulet, bootstrap, admin, timeout):
    """(outcome, detail): outcome is pass, fail, error or unsupported."""
    reset_topics(admin)
    registry = None
    try:
        if uses_registry(case):
            registry = Registry(rivulet)
            registry.register_case_schemas(case, declared_topics(case.statements()))
        records = input_records(case, registry)
    except Unsupported as reason:
        if registry:
            registry.close()
        return "unsupported", str(reason)
    except BaseException:
        if registry:
            registry.close()
        raise
    try:
        return run_case_with(case, rivulet, bootstrap, admin, timeout, records, registry)
    finally:
        if registry:
            registry.close()


def run_case_with(case, rivulet, bootstrap, admin, timeout, records, registry):
    """`run_case` once its inputs are serialized (and its schemas registered)."""
    qtt_protobuf.learn_column_orders(case.test, [spec.value_columns for spec in declared_topics(case.statements()).values()])
    create_topics(case, admin)
    # ksqlDB's test driver processes the inputs one at a time, in their order: with several
    # input topics (a join) or several writers of one topic, the outputs follow that order.
    one_at_a_time = several_queries_write_one_topic(case) or len({topic for topic, _ in records}) > 1
    if not one_at_a_time:
        produce_inputs(records, bootstrap)
    server = Server(rivulet, bootstrap, registry.url if registry else None)
    try:
        refused = None
        with psycopg.connect(host="127.0.0.1", port=server.port, user="qtt", dbname="rivulet", autocommit=True) as connection:
            connection.execute("SET 'auto.offset.reset' = 'earliest'")
            for name, value in (case.test.get("properties") or {}).items():
                try:
                    connection.execute(f"SET '{name}' = '{value}'")
                except psycopg.Error:
                    pass
            for statement in case.statements():
                try:
                    connection.execute(statement)
                except psycopg.Error as error:
                    refused = f"{statement}\n  -> {str(error).splitlines()[0]}"
                    break
        if "expectedException" in case.test:
            if refused:
                return "pass", "refused as ksqlDB refuses: " + refused
            return "fail", "accepted statements ksqlDB refuses: " + json.dumps(case.test["expectedException"])
        if refused:
            return "error", refused
        if one_at_a_time:
            progress = QueryProgress(server.port)
            try:
                produce_inputs(records, bootstrap, after_each=progress.wait_for_next_row)
            finally:
                progress.connection.close()
        outputs = case.test.get("outputs", [])
        by_topic = {}
        for record in outputs:
            by_topic.setdefault(record["topic"], []).append(record)
        problems = []
        notes = set()
        for topic, expected in by_topic.items():
            actual = read_topic(bootstrap, admin, topic, len(expected), timeout, settle=0.5)
            decode = (lambda data, want, side, topic=topic: registry.decode(data, topic, side, want)) if registry else None
            problems += [f"{topic}: {p}" for p in compare(expected, actual, notes, decode)]
        if problems:
            return "fail", "\n  ".join(problems[:12] + query_troubles(server.port))
        return "pass", "; ".join(sorted(notes))
    finally:
        server.close(keep=KEEP)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rivulet", required=True)
    parser.add_argument("--broker")
    parser.add_argument("--only", nargs="*", help="QTT file names (without folder) to run")
    parser.add_argument("--cases", help="a file of case names to run, one per line")
    parser.add_argument("--match", help="run the cases whose name contains this text")
    parser.add_argument("--share", type=int, default=1, metavar="N",
                        help="run a fixed share of the selected cases: the first of every N in each file")
    parser.add_argument("--expect-pass", help="a file of case names that must pass")
    parser.add_argument("--write-passing", help="write the names of the cases that passed here")
    parser.add_argument("--report", help="write every case's outcome and detail here")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for a case's output")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    files = sorted((HERE / "qtt").glob("*.json"))
    if args.only:
        files = [f for f in files if f.name in args.only or f.stem in args.only]
    cases = [case for f in files for case in cases_in(f)]
    if args.cases:
        wanted = {line.strip() for line in Path(args.cases).read_text().splitlines() if line.strip() and not line.startswith("#")}
        cases = [c for c in cases if c.name in wanted]
    if args.match:
        cases = [c for c in cases if args.match in c.name]
    if args.share > 1:
        # Every file keeps its first case and every Nth after it, so each feature stays covered.
        position = {}
        kept = []
        for case in cases:
            index = position.get(case.file, 0)
            position[case.file] = index + 1
            if index % args.share == 0:
                kept.append(case)
        cases = kept
    excluded = {}
    exclusions = HERE / "excluded.tsv"
    if exclusions.exists():
        for line in exclusions.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition("\t")
                excluded[name] = reason

    broker = None if args.broker else Broker()
    bootstrap = args.broker or broker.bootstrap
    admin = AdminClient({"bootstrap.servers": bootstrap})
    outcomes = {}
    try:
        for number, case in enumerate(cases, 1):
            try:
                outcome, detail = run_case(case, args.rivulet, bootstrap, admin, args.timeout)
            except Exception as error:  # the runner's own trouble is reported, not fatal
                outcome, detail = "error", f"runner: {type(error).__name__}: {error}"
            outcomes[case.name] = (outcome, detail)
            if args.verbose or outcome not in ("pass",):
                print(f"[{number}/{len(cases)}] {outcome.upper():11} {case.name}" + (f"\n  {detail}" if detail and outcome != "pass" else ""), flush=True)
    finally:
        if broker:
            broker.close()

    per_file = {}
    for case in cases:
        counts = per_file.setdefault(case.file, {"pass": 0, "fail": 0, "error": 0, "unsupported": 0})
        counts[outcomes[case.name][0]] += 1
    print("\nfile                               pass  fail error unsupp  total")
    totals = {"pass": 0, "fail": 0, "error": 0, "unsupported": 0}
    for file, counts in sorted(per_file.items()):
        for k in totals:
            totals[k] += counts[k]
        print(f"{file:34} {counts['pass']:5} {counts['fail']:5} {counts['error']:5} {counts['unsupported']:6} {sum(counts.values()):6}")
    total = sum(totals.values())
    print(f"{'all':34} {totals['pass']:5} {totals['fail']:5} {totals['error']:5} {totals['unsupported']:6} {total:6}")
    counted = [c for c in cases if c.name not in excluded]
    passed = sum(1 for c in counted if outcomes[c.name][0] == "pass")
    if total:
        print(f"passed {totals['pass']} of {total} ({100 * totals['pass'] / total:.1f}%); "
              f"of the {len(counted)} not excluded: {passed} ({100 * passed / max(1, len(counted)):.1f}%)")

    if args.report:
        with open(args.report, "w") as out:
            for case in cases:
                outcome, detail = outcomes[case.name]
                out.write(f"{outcome}\t{case.name}\t{detail.replace(chr(10), ' | ')}\n")
    if args.write_passing:
        Path(args.write_passing).write_text("".join(f"{c.name}\n" for c in cases if outcomes[c.name][0] == "pass"))
    if args.expect_pass:
        required = [line.strip() for line in Path(args.expect_pass).read_text().splitlines() if line.strip() and not line.startswith("#")]
        regressions = [name for name in required if name in outcomes and outcomes[name][0] != "pass"]
        for name in regressions:
            print(f"REGRESSION: {name}: {outcomes[name][1]}")
        if regressions:
            sys.exit(1)


if __name__ == "__main__":
    main()

"""Protobuf for the QTT runner: `PROTOBUF_NOSR` records written with Python's `google.protobuf`
from the schema ksqlDB derives from the declared columns, and records Rivulet wrote read back.

ksqlDB's schema for columns: proto3, message `ConnectDefault1` with one field per column
numbered from 1 in column order; a STRUCT is a nested message `ConnectDefault2`, ... (numbered
depth-first); ARRAY is `repeated`, MAP is `map<K, V>`, DECIMAL `confluent.type.Decimal`,
TIMESTAMP `google.protobuf.Timestamp`, DATE `google.type.Date`.
"""
import itertools
import re
import struct
from decimal import Decimal

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

FORMATS = {"PROTOBUF_NOSR"}

FieldProto = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    "BOOLEAN": FieldProto.TYPE_BOOL, "INT": FieldProto.TYPE_INT32, "INTEGER": FieldProto.TYPE_INT32,
    "BIGINT": FieldProto.TYPE_INT64, "DOUBLE": FieldProto.TYPE_DOUBLE, "STRING": FieldProto.TYPE_STRING,
    "VARCHAR": FieldProto.TYPE_STRING, "BYTES": FieldProto.TYPE_BYTES,
}
WELL_KNOWN = {
    "DECIMAL": (".confluent.type.Decimal", "confluent/type/decimal.proto"),
    "TIMESTAMP": (".google.protobuf.Timestamp", "google/protobuf/timestamp.proto"),
    "DATE": (".google.type.Date", "google/type/date.proto"),
}
_files = itertools.count(1)


def split_top_level(text, separator=","):
    parts, depth, current = [], 0, ""
    for c in text:
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        if c == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts]


def parse_type(text):
    """A ksqlDB column type as a tree: ("STRUCT", [(name, type)]), ("ARRAY", t), ("MAP", k, v),
    or (base, text) for a flat type."""
    text = text.strip()
    upper = text.upper()
    match = re.match(r"(STRUCT|ARRAY|MAP)\s*<(.*)>$", text, re.IGNORECASE | re.DOTALL)
    if match:
        kind, inner = match.group(1).upper(), match.group(2)
        if kind == "ARRAY":
            return ("ARRAY", parse_type(inner))
        if kind == "MAP":
            key, value = split_top_level(inner)
            return ("MAP", parse_type(key), parse_type(value))
        fields = []
        for part in split_top_level(inner):
            name, type_ = part.split(None, 1)
            fields.append((name.strip("`\""), parse_type(type_)))
        return ("STRUCT", fields)
    return (upper.split("(")[0].strip(), text)


def _support_files(pool):
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    decimal = descriptor_pb2.FileDescriptorProto(name="confluent/type/decimal.proto", package="confluent.type", syntax="proto3")
    message = decimal.message_type.add(name="Decimal")
    for number, (name, type_) in enumerate([("value", FieldProto.TYPE_BYTES), ("precision", FieldProto.TYPE_UINT32),
                                            ("scale", FieldProto.TYPE_UINT32)], 1):
        message.field.add(name=name, number=number, type=type_, label=FieldProto.LABEL_OPTIONAL)
    pool.Add(decimal)
    date = descriptor_pb2.FileDescriptorProto(name="google/type/date.proto", package="google.type", syntax="proto3")
    message = date.message_type.add(name="Date")
    for number, name in enumerate(["year", "month", "day"], 1):
        message.field.add(name=name, number=number, type=FieldProto.TYPE_INT32, label=FieldProto.LABEL_OPTIONAL)
    pool.Add(date)


def message_class(columns):
    """The message class ksqlDB's schema for `columns` ([(name, ksqlDB type text)]) gives."""
    pool = descriptor_pool.DescriptorPool()
    _support_files(pool)
    file = descriptor_pb2.FileDescriptorProto(name=f"qtt_{next(_files)}.proto", syntax="proto3")
    counter = itertools.count(2)
    dependencies = set()

    def add_field(message, scope, name, number, type_, label=FieldProto.LABEL_OPTIONAL):
        field = message.field.add(name=name, number=number, label=label)
        kind = type_[0]
        if kind == "ARRAY":
            add_field_type(field, message, scope, type_[1])
            field.label = FieldProto.LABEL_REPEATED
        elif kind == "MAP":
            entry = message.nested_type.add(name=f"{name}Entry")
            entry.options.map_entry = True
            add_field(entry, f"{scope}.{entry.name}", "key", 1, type_[1])
            add_field(entry, f"{scope}.{entry.name}", "value", 2, type_[2])
            field.type = FieldProto.TYPE_MESSAGE
            field.type_name = f"{scope}.{entry.name}"
            field.label = FieldProto.LABEL_REPEATED
        else:
            add_field_type(field, message, scope, type_)

    def add_field_type(field, message, scope, type_):
        kind = type_[0]
        if kind == "STRUCT":
            nested = message.nested_type.add(name=f"ConnectDefault{next(counter)}")
            fill(nested, f"{scope}.{nested.name}", type_[1])
            field.type = FieldProto.TYPE_MESSAGE
            field.type_name = f"{scope}.{nested.name}"
        elif kind in WELL_KNOWN:
            field.type = FieldProto.TYPE_MESSAGE
            field.type_name, dependency = WELL_KNOWN[kind]
            dependencies.add(dependency)
        else:
            field.type = SCALARS[kind]

    def fill(message, scope, fields):
        for number, (name, type_) in enumerate(fields, 1):
            add_field(message, scope, name, number, type_)

    root = file.message_type.add(name="ConnectDefault1")
    fill(root, ".ConnectDefault1", [(name, parse_type(type_)) for name, type_ in columns])
    file.dependency.extend(sorted(dependencies))
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("ConnectDefault1"))


def _set(message, field, value):
    """Sets `field` of `message` from a QTT JSON value (None leaves it unset)."""
    if value is None:
        return
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        key_field, value_field = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
        container = getattr(message, field.name)
        for key, item in value.items():
            if value_field.message_type is None:
                container[_scalar(key_field, key)] = _scalar(value_field, item)
            else:
                _fill(container[_scalar(key_field, key)], item)
        return
    if _repeated(field):
        container = getattr(message, field.name)
        for item in value:
            if field.message_type is None:
                container.append(_scalar(field, item))
            else:
                _fill(container.add(), item)
        return
    if field.message_type is None:
        setattr(message, field.name, _scalar(field, value))
    else:
        _fill(getattr(message, field.name), value, field.message_type.full_name)


def _repeated(field):
    # `is_repeated` is protobuf 6's spelling; older releases only have `label`.
    if hasattr(field, "is_repeated"):
        return field.is_repeated
    return field.label == FieldProto.LABEL_REPEATED


def _fill(message, value, full_name=None):
    full_name = full_name or message.DESCRIPTOR.full_name
    if full_name == "google.protobuf.Timestamp":
        message.seconds, millis = divmod(int(value), 1000)
        message.nanos = millis * 1_000_000
        return
    if full_name == "confluent.type.Decimal":
        number = Decimal(str(value))
        sign, digits, exponent = number.as_tuple()
        unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        message.value = unscaled.to_bytes(max(1, (unscaled.bit_length() + 8) // 8), "big", signed=True)
        message.scale = max(0, -exponent)
        message.precision = max(len(digits), message.scale)
        return
    message.SetInParent()
    by_name = {f.name.upper(): f for f in message.DESCRIPTOR.fields}
    for name, item in value.items():
        field = message.DESCRIPTOR.fields_by_name.get(name) or by_name.get(name.upper())
        if field is not None:
            _set(message, field, item)


def _scalar(field, value):
    if field.type == FieldProto.TYPE_STRING:
        return value if isinstance(value, str) else str(value)
    if field.type == FieldProto.TYPE_BOOL:
        return bool(value)
    if field.type in (FieldProto.TYPE_DOUBLE, FieldProto.TYPE_FLOAT):
        return float(value)
    if field.type == FieldProto.TYPE_BYTES:
        return value.encode() if isinstance(value, str) else bytes(value)
    return int(value)


# --- the registry-backed PROTOBUF format ------------------------------------------------------

PROTO_SCALARS = {name: getattr(FieldProto, f"TYPE_{name.upper()}") for name in (
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
    "sfixed32", "sfixed64", "bool", "string", "bytes")}
WELL_KNOWN_PROTO = {"DECIMAL": "confluent.type.Decimal", "TIMESTAMP": "google.protobuf.Timestamp", "DATE": "google.type.Date"}


def schema_text(columns):
    """The `.proto` text ksqlDB registers for `columns` (as `message_class` lays them out)."""
    counter = itertools.count(2)
    imports = set()

    def field_type(type_, nested, indent):
        kind = type_[0]
        if kind == "ARRAY":
            return "repeated " + single(type_[1], nested, indent)
        if kind == "MAP":
            return f"map<{single(type_[1], nested, indent)}, {single(type_[2], nested, indent)}>"
        return single(type_, nested, indent)

    def single(type_, nested, indent):
        kind = type_[0]
        if kind == "STRUCT":
            name = f"ConnectDefault{next(counter)}"
            nested.append(message(name, type_[1], indent))
            return name
        if kind in WELL_KNOWN_PROTO:
            imports.add(WELL_KNOWN[kind][1])
            return WELL_KNOWN_PROTO[kind]
        return {FieldProto.TYPE_BOOL: "bool", FieldProto.TYPE_INT32: "int32", FieldProto.TYPE_INT64: "int64",
                FieldProto.TYPE_DOUBLE: "double", FieldProto.TYPE_STRING: "string", FieldProto.TYPE_BYTES: "bytes"}[SCALARS[kind]]

    def message(name, fields, indent):
        nested = []
        lines = [f"{indent}  {field_type(type_, nested, indent + '  ')} {field} = {number};"
                 for number, (field, type_) in enumerate(fields, 1)]
        return "\n".join([f"{indent}message {name} {{"] + lines + nested + [f"{indent}}}"])

    body = message("ConnectDefault1", [(name, parse_type(type_)) for name, type_ in columns], "")
    return 'syntax = "proto3";\n' + "".join(f'import "{path}";\n' for path in sorted(imports)) + body + "\n"


def message_class_of_text(text, full_name=None):
    """(message class, message indexes) of the message `full_name` names in `.proto` text (else
    its first): the flat messages of scalars that ksqlDB's tests give as topic schemas."""
    if re.search(r"^\s*import\b", text, re.MULTILINE):
        raise ValueError("a schema that imports another file")
    pool = descriptor_pool.DescriptorPool()
    file = descriptor_pb2.FileDescriptorProto(name=f"qtt_{next(_files)}.proto", syntax="proto3")
    names = []
    for name, body in re.findall(r"message\s+(\w+)\s*\{([^{}]*)\}", text):
        message = file.message_type.add(name=name)
        names.append(name)
        for repeated, type_, field, number in re.findall(r"(repeated\s+)?(\w+)\s+(\w+)\s*=\s*(\d+)\s*;", body):
            if type_ not in PROTO_SCALARS:
                raise ValueError(f"field type {type_}")
            message.field.add(name=field, number=int(number), type=PROTO_SCALARS[type_],
                              label=FieldProto.LABEL_REPEATED if repeated else FieldProto.LABEL_OPTIONAL)
    if not names:
        raise ValueError("no message")
    chosen = full_name or names[0]
    if chosen not in names:
        raise ValueError(f"no message {chosen}")
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(chosen)), [names.index(chosen)]


def top_level_fields(text, indexes):
    """The field names, in field-number order, of the top-level message at `indexes[0]` of
    `.proto` text (nested declarations skipped)."""
    depth, own, position = 0, "", 0
    messages = []
    while position < len(text):
        match = re.compile(r"\bmessage\s+\w+\s*\{").match(text, position) if depth == 0 else None
        if match:
            depth, own, position = 1, "", match.end()
            continue
        c = text[position]
        if depth >= 1:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    messages.append(own)
            elif depth == 1:
                own += c
        position += 1
    if not indexes or indexes[0] >= len(messages):
        return []
    fields = re.findall(r"(?:repeated\s+)?(?:map\s*<[^>]*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;", messages[indexes[0]])
    return [name for name, _ in sorted(fields, key=lambda f: int(f[1]))]


def message_indexes(data):
    """The message indexes at the start of a registry-framed protobuf body, and the rest."""
    position = 0

    def zigzag_varint():
        nonlocal position
        result = shift = 0
        while True:
            byte = data[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return (result >> 1) ^ -(result & 1)
            shift += 7

    count = zigzag_varint()
    indexes = [zigzag_varint() for _ in range(count)] or [0]
    return indexes, data[position:]


def index_bytes(indexes):
    """The framing's message indexes: `[0]` is the single byte 0."""
    if indexes == [0]:
        return b"\x00"
    out = bytearray()
    for number in [len(indexes)] + list(indexes):
        value = (number << 1) ^ (number >> 63)
        while True:
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                break
    return bytes(out)


def fill_message(message_type, value):
    """The bytes of one message of `message_type` holding a QTT JSON object (a bare value is
    the message's one field)."""
    message = message_type()
    if not isinstance(value, dict):
        value = {message.DESCRIPTOR.fields[0].name: value}
    _fill(message, value)
    return message.SerializeToString()


def serialize(value, columns, is_key=False):
    """The bytes of one record's key or value: a message of `columns`. A key given as a bare
    value is the message of its one column."""
    if value is None:
        return None
    if not isinstance(value, dict):
        value = {columns[0][0]: value}
    message = message_class(columns)()
    _fill(message, value)
    return message.SerializeToString()


# --- reading what Rivulet wrote ---------------------------------------------------------------

def _fields(data):
    """The wire-format fields of `data`: {number: [(wire type, raw value)]}; ValueError when
    `data` is not a protobuf message."""
    fields = {}
    position = 0

    def varint():
        nonlocal position
        result = shift = 0
        while True:
            if position >= len(data):
                raise ValueError("truncated varint")
            byte = data[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7

    while position < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            raw = varint()
        elif wire == 1:
            raw = data[position:position + 8]
            position += 8
        elif wire == 5:
            raw = data[position:position + 4]
            position += 4
        elif wire == 2:
            length = varint()
            raw = data[position:position + length]
            position += length
        else:
            raise ValueError(f"wire type {wire}")
        if position > len(data):
            raise ValueError("truncated field")
        fields.setdefault(number, []).append((wire, raw))
    return fields


def _signed(value):
    return value - (1 << 64) if value >= 1 << 63 else value


def _read(wire, raw, expected):
    if isinstance(expected, dict):
        return decode_like(raw, expected)
    if wire == 0:
        return bool(raw) if isinstance(expected, bool) else _signed(raw)
    if wire == 1:
        return struct.unpack("<d", raw)[0]
    if wire == 5:
        return struct.unpack("<f", raw)[0]
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        text = None
    if isinstance(expected, str) and text is not None and (text == expected or not _well_known(raw)):
        return text
    if isinstance(expected, (int, float, str)) and not isinstance(expected, bool):
        known = _well_known(raw, timestamp=isinstance(expected, int))
        if known is not None:
            return known
    return text if text is not None else raw


def _well_known(raw, timestamp=False):
    """A google.protobuf.Timestamp (as ksqlDB's tests give it: epoch milliseconds) or a
    confluent.type.Decimal in `raw`, or None."""
    try:
        inner = _fields(raw)
    except ValueError:
        return None
    if timestamp and set(inner) <= {1, 2} and all(wire == 0 for entries in inner.values() for wire, _ in entries):
        seconds = _signed(inner.get(1, [(0, 0)])[-1][1])
        nanos = _signed(inner.get(2, [(0, 0)])[-1][1])
        return seconds * 1000 + nanos // 1_000_000
    if 1 in inner and set(inner) <= {1, 2, 3} and inner[1][-1][0] == 2:
        unscaled = int.from_bytes(inner[1][-1][1], "big", signed=True)
        scale = inner.get(3, [(0, 0)])[-1][1]
        return Decimal(unscaled).scaleb(-scale)
    return None


def _map(entries, expected):
    """A map field's entries (`key` = 1, `value` = 2) as a dict, or None when they are not."""
    result = {}
    sample = next(iter(expected.values()), None)
    for wire, raw in entries:
        if wire != 2:
            return None
        try:
            inner = _fields(raw)
        except ValueError:
            return None
        if not set(inner) <= {1, 2}:
            return None
        key = _read(*inner[1][-1], "") if 1 in inner else ""
        result[str(key)] = _read(*inner[2][-1], sample) if 2 in inner else _default(sample)
    return result


def _packed(raw, element):
    """The numbers of a packed repeated field."""
    if isinstance(element, float):
        return list(struct.unpack(f"<{len(raw) // 8}d", raw))
    values = []
    value = shift = 0
    for byte in raw:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append(_signed(value))
            value = shift = 0
    return values


def _default(expected):
    if isinstance(expected, bool):
        return False
    if isinstance(expected, (int, float)):
        return 0
    if isinstance(expected, str):
        return ""
    if isinstance(expected, list):
        return []
    if expected == {}:
        return {}  # an absent map is empty; an absent message is null
    return None


# The orders of fields ksqlDB gives messages in the current case: a message's fields are its
# columns (or a STRUCT's fields) numbered in order, which an expected JSON object need not follow.
_column_orders = []


def learn_column_orders(test, declared_columns):
    """Records the column orders of the case's relations: the value columns of its CREATE
    statements (`declared_columns`, lists of (name, type)) and of the schemas its `post`
    section gives for the relations it creates, STRUCT fields included."""
    _column_orders.clear()

    def add(columns):
        _column_orders.append([name for name, _ in columns])
        for _, type_ in columns:
            _add_structs(parse_type(type_))

    def _add_structs(type_):
        if type_[0] == "STRUCT":
            _column_orders.append([name for name, _ in type_[1]])
            for _, inner in type_[1]:
                _add_structs(inner)
        elif type_[0] == "ARRAY":
            _add_structs(type_[1])
        elif type_[0] == "MAP":
            _add_structs(type_[2])

    # A type this reader does not follow leaves that relation's order unknown, nothing more.
    for columns in declared_columns:
        try:
            add(columns)
        except (ValueError, IndexError):
            pass
    for source in (test.get("post") or {}).get("sources", []):
        columns = []
        for column in split_top_level(source.get("schema", "")):
            words = column.split(None, 1)
            if len(words) == 2 and not re.search(r"\bKEY\s*$", words[1], re.IGNORECASE):
                columns.append((words[0].strip("`\""), words[1]))
        try:
            add(columns)
        except (ValueError, IndexError):
            pass


def _field_order(expected):
    """The expected object's keys in the order ksqlDB numbers them."""
    for order in _column_orders:
        if len(order) == len(expected) and set(order) == set(expected):
            return order
    return list(expected)


def decode_like(data, expected, order=None):
    """Reads a `PROTOBUF_NOSR` message Rivulet wrote as the value `expected` is: its fields are
    the expected object's keys in order (as ksqlDB numbers them from its columns), an absent
    scalar reads as its default and an absent message as null (as ksqlDB reads them). Raises
    ValueError when `data` is not such a message. `order` gives the fields' names by number
    when a registered schema says it."""
    fields = _fields(data)
    if not isinstance(expected, dict):
        raise ValueError("not a message")
    result = {}
    for number, name in enumerate(order or _field_order(expected), 1):
        want = expected[name]
        found = fields.get(number)
        if not found:
            result[name] = _default(want)
        elif isinstance(want, list):
            element = want[0] if want else None
            result[name] = []
            stamps = [_well_known(raw, timestamp=True) if wire == 2 else None for wire, raw in found]
            for (wire, raw), stamp in zip(found, stamps):
                if isinstance(element, int) and None not in stamps and len(stamps) == len(want):
                    # a repeated google.protobuf.Timestamp: one message per element, where
                    # packed numbers would be one field holding them all
                    result[name].append(stamp)
                elif wire == 2 and isinstance(element, bool):
                    result[name] += [bool(value) for value in _packed(raw, 0)]
                elif wire == 2 and isinstance(element, (int, float)):
                    result[name] += _packed(raw, element)
                else:
                    result[name].append(_read(wire, raw, element))
        else:
            wire, raw = found[-1]
            as_map = _map(found, want) if isinstance(want, dict) else None
            if as_map is not None and (len(found) > 1 or set(as_map) == set(want) or not want):
                result[name] = as_map
            else:
                result[name] = _read(wire, raw, want)
    if set(fields) - set(range(1, len(expected) + 1)):
        raise ValueError("fields beyond the expected ones")
    return result

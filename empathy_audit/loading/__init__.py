"""Reading transcripts into conversations: file types, fields, speakers (``core``)."""
from .core import (FIELD_ALIASES, FieldMap, RawTurn, decode_text, expand_paths, format_of, load,
                   normalize_speaker, parse_speaker_map, read_csv_file, read_list_file)

__all__ = ["FIELD_ALIASES", "FieldMap", "RawTurn", "decode_text", "expand_paths", "format_of",
           "load", "normalize_speaker", "parse_speaker_map", "read_csv_file", "read_list_file"]

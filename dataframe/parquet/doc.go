// Package parquet reads and writes dataframe frames as Apache Parquet
// files, through Apache Arrow's Go implementation. It is a package of its
// own so that programs using package dataframe for CSV, group-by and
// k-fold splits do not link Arrow and its dependencies (Thrift, gRPC,
// protobuf, several compressors).
//
// Read reads a file (WithColumns: only the named columns, skipping the
// others without decoding them), ReadLazy a set of files as a
// dataframe.LazyFrame of one partition per file, and Write writes a frame.
// Errors wrap the dataframe sentinels: dataframe.ErrMalformed for a file
// that is not Parquet or is damaged, dataframe.ErrColumnType for a column
// type with no dataframe counterpart, and a *dataframe.UnknownColumnError
// for a column the file lacks.
//
// # Damaged files
//
// Parquet can carry a CRC-32 of each page's stored bytes in its header.
// The Arrow Go library this package uses (v18.8) neither writes nor checks
// them, so this package does both itself: Write puts a checksum in every
// page header, and Read (and each ReadLazy partition) checks the checksum
// of every page of the columns it reads that has one before decoding
// anything. A mismatch is an error wrapping ErrChecksum and
// dataframe.ErrMalformed, never different data.
//
// What the format cannot tell: pages of files written without checksums
// (by Arrow Go, by pandas/pyarrow unless asked with
// write_page_checksum=True, and by older writers) are read unchecked, and
// a flipped bit inside such a page can read back as a different value
// without an error when it does not break the page's structure. The
// footer (schema, row counts, statistics) and the page headers themselves
// carry no checksum in Parquet: damage there is an error only when it
// makes them unparseable or inconsistent. Keep checksums of such files
// outside them where that matters. Encrypted files and column chunks in
// other files are refused.
package parquet

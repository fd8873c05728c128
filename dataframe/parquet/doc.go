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
// Parquet can carry a CRC-32 for each page, but the Arrow Go library this
// package uses (v18) neither writes nor verifies page checksums, so this
// package cannot either. A damaged file is an error when the damage
// breaks its structure (the footer, a page header, a compressed block
// that does not decompress, a value count that does not add up), but a
// flipped bit inside an uncompressed page, or one that Snappy
// decompresses without complaint, can read back as different values
// without an error. Keep checksums of Parquet files outside them (or in
// the store that holds them) where that matters.
package parquet

package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"sort"
)

// Page checksums. Parquet lets every page header carry a CRC-32 (the IEEE
// polynomial, as zlib's) of the page's bytes as stored — compressed, and
// for data pages v2 the levels too — excluding the header. Arrow's Go
// library (v18.8, the newest available) neither writes nor checks them,
// so this package does both itself: Write rewrites the file Arrow wrote
// with a checksum in every page header (addChecksums), and Read verifies
// the checksum of every page of the columns it reads that carries one
// (verifyChunks) before decoding anything.

var parquetMagic = []byte("PAR1")

// Field ids of the Parquet Thrift structures used here.
const (
	fmRowGroups = 4 // FileMetaData.row_groups

	rgColumns         = 1 // RowGroup.columns
	rgFileOffset      = 5
	rgCompressedBytes = 6

	ccFilePath          = 1 // ColumnChunk.file_path
	ccFileOffset        = 2
	ccMetaData          = 3
	ccOffsetIndexOffset = 4
	ccColumnIndexOffset = 6
	ccCryptoMetadata    = 8

	cmCompressedBytes   = 7 // ColumnMetaData.total_compressed_size
	cmDataPageOffset    = 9
	cmIndexPageOffset   = 10
	cmDictPageOffset    = 11
	cmBloomFilterOffset = 14

	phCompressedSize = 3 // PageHeader.compressed_page_size
	phCRC            = 4
)

// chunkSpan is where one column chunk's pages lie in the file.
type chunkSpan struct {
	rowGroup, column int
	start, size      int64
}

// readFooter returns the file's footer (FileMetaData) and where it starts.
func readFooter(r io.ReaderAt, size int64) (tvalue, int64, error) {
	var tail [8]byte
	if size < 12 {
		return tvalue{}, 0, fmt.Errorf("%w: %d bytes, too short for Parquet", errThrift, size)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return tvalue{}, 0, err
	}
	if string(tail[4:]) != string(parquetMagic) {
		return tvalue{}, 0, fmt.Errorf("%w: no Parquet magic at the end (encrypted footers are not supported)", errThrift)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	start := size - 8 - n
	if start < 4 {
		return tvalue{}, 0, fmt.Errorf("%w: footer of %d bytes in a file of %d", errThrift, n, size)
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, start); err != nil {
		return tvalue{}, 0, err
	}
	rd := &treader{b: buf}
	footer, err := rd.readStruct(0)
	return footer, start, err
}

// chunkSpans lists the column chunks of the footer, in row-group and
// column order. A chunk in another file or encrypted is an error.
func chunkSpans(footer *tvalue, fileSize int64) ([]chunkSpan, error) {
	var spans []chunkSpan
	rgs := footer.field(fmRowGroups)
	if rgs == nil {
		return nil, nil
	}
	for g := range rgs.elems {
		cols := rgs.elems[g].field(rgColumns)
		if cols == nil {
			continue
		}
		for c := range cols.elems {
			cc := &cols.elems[c]
			if cc.field(ccFilePath) != nil || cc.field(ccCryptoMetadata) != nil {
				return nil, fmt.Errorf("%w: row group %d column %d is in another file or encrypted", errThrift, g, c)
			}
			md := cc.field(ccMetaData)
			if md == nil {
				return nil, fmt.Errorf("%w: row group %d column %d has no metadata", errThrift, g, c)
			}
			size := md.field(cmCompressedBytes)
			if md.field(cmDataPageOffset) == nil || size == nil {
				return nil, fmt.Errorf("%w: row group %d column %d lacks its offset or size", errThrift, g, c)
			}
			start := chunkStart(&md.tvalue)
			if start < 4 || size.i < 0 || start+size.i > fileSize || start+size.i < start {
				return nil, fmt.Errorf("%w: row group %d column %d at [%d, +%d) outside the file", errThrift, g, c, start, size.i)
			}
			spans = append(spans, chunkSpan{rowGroup: g, column: c, start: start, size: size.i})
		}
	}
	return spans, nil
}

// chunkStart returns where a column chunk's first page starts: its
// dictionary page when it has one, else its first data page. (A chunk of
// no rows can have a dictionary page and a data page offset of 0.)
func chunkStart(md *tvalue) int64 {
	start := md.field(cmDataPageOffset).i
	if dict := md.field(cmDictPageOffset); dict != nil && dict.i > 0 && (dict.i < start || start <= 0) {
		start = dict.i
	}
	return start
}

// page is one page of a chunk: its header (parsed) and its stored bytes.
type page struct {
	header     tvalue
	headerSize int
	body       []byte
}

// walkPages splits a chunk's bytes into pages.
func walkPages(chunk []byte, each func(p *page) error) error {
	pos := 0
	for pos < len(chunk) {
		rd := &treader{b: chunk[pos:]}
		h, err := rd.readStruct(0)
		if err != nil {
			return fmt.Errorf("page header at chunk byte %d: %w", pos, err)
		}
		size := h.field(phCompressedSize)
		if size == nil || size.i < 0 || size.i > int64(len(chunk)-pos-rd.pos) {
			return fmt.Errorf("%w: page at chunk byte %d: bad compressed size", errThrift, pos)
		}
		body := chunk[pos+rd.pos : pos+rd.pos+int(size.i)]
		if err := each(&page{header: h, headerSize: rd.pos, body: body}); err != nil {
			return err
		}
		pos += rd.pos + int(size.i)
	}
	return nil
}

// ErrChecksum is wrapped (together with dataframe.ErrMalformed) by the
// error for a page whose stored bytes do not match its checksum.
var ErrChecksum = errors.New("page checksum mismatch")

// verifyChunks checks the checksums of every page of the given columns
// (nil: all) that carries one. It returns the number of pages checked
// and of pages without a checksum.
func verifyChunks(r io.ReaderAt, size int64, columns []int) (checked, unchecked int, err error) {
	footer, _, err := readFooter(r, size)
	if err != nil {
		return 0, 0, err
	}
	spans, err := chunkSpans(&footer, size)
	if err != nil {
		return 0, 0, err
	}
	var buf []byte
	for _, s := range spans {
		if columns != nil && !slices.Contains(columns, s.column) {
			continue
		}
		buf = slices.Grow(buf[:0], int(s.size))[:s.size]
		if _, err := r.ReadAt(buf, s.start); err != nil {
			return checked, unchecked, err
		}
		n := 0
		err := walkPages(buf, func(p *page) error {
			n++
			crc := p.header.field(phCRC)
			if crc == nil {
				unchecked++
				return nil
			}
			if got := crc32.ChecksumIEEE(p.body); got != uint32(int32(crc.i)) {
				return fmt.Errorf("row group %d column %d page %d: stored checksum %08x, bytes give %08x: %w",
					s.rowGroup, s.column, n, uint32(int32(crc.i)), got, ErrChecksum)
			}
			checked++
			return nil
		})
		if err != nil {
			return checked, unchecked, err
		}
	}
	return checked, unchecked, nil
}

// addChecksums returns the Parquet file in with a CRC-32 in every page
// header, and the footer's offsets and sizes moved by the headers' growth.
func addChecksums(in []byte) ([]byte, error) {
	r := bytesReaderAt(in)
	footer, footerStart, err := readFooter(r, int64(len(in)))
	if err != nil {
		return nil, err
	}
	spans, err := chunkSpans(&footer, int64(len(in)))
	if err != nil {
		return nil, err
	}
	ordered := slices.Clone(spans)
	slices.SortFunc(ordered, func(a, b chunkSpan) int { return int(a.start - b.start) })
	type growth struct{ at, by int64 } // a header starting at old offset at grew by
	var grown []growth
	out := make([]byte, 0, len(in)+len(in)/64)
	out = append(out, in[:4]...)
	cursor := int64(4)
	for _, s := range ordered {
		if s.start < cursor {
			return nil, fmt.Errorf("%w: column chunks overlap at byte %d", errThrift, s.start)
		}
		out = append(out, in[cursor:s.start]...)
		pos := s.start
		err := walkPages(in[s.start:s.start+s.size], func(p *page) error {
			p.header.setInt(phCRC, tI32, int64(int32(crc32.ChecksumIEEE(p.body))))
			before := len(out)
			out = appendStruct(out, &p.header)
			if by := int64(len(out)-before) - int64(p.headerSize); by != 0 {
				grown = append(grown, growth{pos, by})
			}
			out = append(out, p.body...)
			pos += int64(p.headerSize + len(p.body))
			return nil
		})
		if err != nil {
			return nil, err
		}
		cursor = s.start + s.size
	}
	out = append(out, in[cursor:footerStart]...)

	// newPos maps an old offset to the new file: it moves by the growth of
	// the headers that start before it.
	sums := make([]int64, len(grown)+1)
	for k, g := range grown {
		sums[k+1] = sums[k] + g.by
	}
	newPos := func(x int64) int64 {
		k := sort.Search(len(grown), func(k int) bool { return grown[k].at >= x })
		return x + sums[k]
	}
	move := func(v *tvalue, id int16) {
		if f := v.field(id); f != nil && f.i > 0 {
			f.i = newPos(f.i)
		}
	}
	resize := func(v *tvalue, startID, sizeID int16, start int64) {
		if f := v.field(sizeID); f != nil && v.field(startID) != nil {
			f.i = newPos(start+f.i) - newPos(start)
		}
	}
	rgs := footer.field(fmRowGroups)
	if rgs == nil {
		rgs = &tfield{}
	}
	for g := range rgs.elems {
		rg := &rgs.elems[g]
		if fo := rg.field(rgFileOffset); fo != nil {
			resize(rg, rgFileOffset, rgCompressedBytes, fo.i)
		}
		move(rg, rgFileOffset)
		cols := rg.field(rgColumns)
		if cols == nil {
			continue
		}
		for c := range cols.elems {
			cc := &cols.elems[c]
			md := &cc.field(ccMetaData).tvalue
			start := chunkStart(md)
			size := md.field(cmCompressedBytes)
			size.i = newPos(start+size.i) - newPos(start)
			// Page indexes and bloom filters hold page offsets of their
			// own; Write does not make them, so refuse rather than move.
			if md.field(cmBloomFilterOffset) != nil || cc.field(ccOffsetIndexOffset) != nil || cc.field(ccColumnIndexOffset) != nil {
				return nil, fmt.Errorf("row group %d column %d has a page index or bloom filter, which adding checksums would invalidate", g, c)
			}
			for _, id := range []int16{cmDataPageOffset, cmIndexPageOffset, cmDictPageOffset} {
				move(md, id)
			}
			move(cc, ccFileOffset)
		}
	}
	footerBytes := appendStruct(nil, &footer)
	out = append(out, footerBytes...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footerBytes)))
	return append(out, parquetMagic...), nil
}

// bytesReaderAt reads from a byte slice.
type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

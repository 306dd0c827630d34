using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// A minimal reader (and one-flag writer) of the symbol-versioning sections of a 64-bit little-endian ELF shared
/// library: which versions it needs from which library (<c>.gnu.version_r</c>), which versions a library defines
/// (<c>.gnu.version_d</c>), and which dynamic symbols are bound to a version and referenced by relocations.
/// It exists for one purpose: deciding whether a "version not found" need can safely be made weak.
/// </summary>
internal sealed class ElfVersionNeeds
{
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    /// <summary>Flag of an <c>Elf64_Vernaux</c> entry that makes a missing version non-fatal to the dynamic loader.</summary>
    public const ushort VerFlagWeak = 0x2;

    private readonly byte[] _image;
    private readonly List<Section> _sections;

    private ElfVersionNeeds(byte[] image)
    {
        _image = image;
        _sections = ReadSections(image);
    }

    /// <summary>One version needed from one library.</summary>
    /// <param name="Library">The library file named by the need, e.g. <c>libstdc++.so.6</c>.</param>
    /// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
    /// <param name="Flags">The <c>vna_flags</c> field.</param>
    /// <param name="Index">The version index (<c>vna_other</c>) that <c>.gnu.version</c> uses for symbols bound to it.</param>
    /// <param name="FlagsOffset">File offset of <c>vna_flags</c>.</param>
    public sealed record Need(string Library, string Version, ushort Flags, ushort Index, long FlagsOffset);

    /// <summary>Parses an ELF image; throws <see cref="InvalidDataException"/> when it is not a 64-bit little-endian ELF file.</summary>
    public static ElfVersionNeeds Parse(byte[] image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException("Not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
        return new ElfVersionNeeds(image);
    }

    /// <summary>The raw bytes (modified in place by <see cref="MakeWeak"/>).</summary>
    public byte[] Image => _image;

    /// <summary>Every version need of the file.</summary>
    public IReadOnlyList<Need> Needs()
    {
        var result = new List<Need>();
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strings = _sections[(int)section.Link];
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                ushort count = U16(entry + 2);
                string library = CString(strings.Offset + U32(entry + 4));
                long aux = entry + U32(entry + 8);
                for (int j = 0; j < count; j++)
                {
                    result.Add(new Need(library, CString(strings.Offset + U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                    aux += U32(aux + 12);
                }
                uint next = U32(entry + 12);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>Every version name the file defines (for a library such as libstdc++: the versions it provides).</summary>
    public IReadOnlySet<string> Definitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strings = _sections[(int)section.Link];
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                ushort auxCount = U16(entry + 6);
                long aux = entry + U32(entry + 12);
                if (auxCount > 0)
                    result.Add(CString(strings.Offset + U32(aux)));
                uint next = U32(entry + 16);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>Names of the dynamic symbols bound to version index <paramref name="versionIndex"/>.</summary>
    public IReadOnlyList<string> SymbolsBoundTo(ushort versionIndex)
        => SymbolIndicesBoundTo(versionIndex).Select(SymbolName).ToList();

    /// <summary>Number of relocation entries (REL or RELA, any section) that reference a symbol bound to the version.</summary>
    public int RelocationsAgainst(ushort versionIndex)
    {
        var symbols = new HashSet<long>(SymbolIndicesBoundTo(versionIndex));
        if (symbols.Count == 0)
            return 0;
        int count = 0;
        foreach (var section in _sections.Where(s => s.Type is ShtRela or ShtRel))
        {
            if (section.Link >= _sections.Count || _sections[(int)section.Link].Type != ShtDynsym)
                continue;
            long entrySize = section.EntrySize != 0 ? section.EntrySize : section.Type == ShtRela ? 24 : 16;
            for (long at = section.Offset; at + entrySize <= section.Offset + section.Size; at += entrySize)
            {
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(_image.AsSpan((int)at + 8));
                if (symbols.Contains((long)(info >> 32)))
                    count++;
            }
        }
        return count;
    }

    /// <summary>Sets <see cref="VerFlagWeak"/> on a need, in this in-memory image.</summary>
    public void MakeWeak(Need need)
        => BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan((int)need.FlagsOffset), (ushort)(need.Flags | VerFlagWeak));

    private IEnumerable<long> SymbolIndicesBoundTo(ushort versionIndex)
    {
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (versym is null)
            yield break;
        long count = versym.Size / 2;
        for (long i = 0; i < count; i++)
        {
            if ((U16(versym.Offset + 2 * i) & 0x7fff) == versionIndex)
                yield return i;
        }
    }

    private string SymbolName(long index)
    {
        var dynsym = _sections.First(s => s.Type == ShtDynsym);
        var strings = _sections[(int)dynsym.Link];
        long entrySize = dynsym.EntrySize != 0 ? dynsym.EntrySize : 24;
        return CString(strings.Offset + U32(dynsym.Offset + index * entrySize));
    }

    private static List<Section> ReadSections(byte[] image)
    {
        long tableOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3A));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3C));
        if (tableOffset <= 0 || entrySize < 64 || tableOffset + (long)entrySize * count > image.Length)
            throw new InvalidDataException("ELF section header table is missing or truncated.");
        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            var header = image.AsSpan((int)(tableOffset + (long)i * entrySize), 64);
            sections.Add(new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                Offset: (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(header[40..]),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(header[44..]),
                EntrySize: (long)BinaryPrimitives.ReadUInt64LittleEndian(header[56..])));
        }
        return sections;
    }

    private ushort U16(long offset) => BinaryPrimitives.ReadUInt16LittleEndian(_image.AsSpan((int)offset));

    private uint U32(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(_image.AsSpan((int)offset));

    private string CString(long offset)
    {
        int end = Array.IndexOf(_image, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(_image, (int)offset, end - (int)offset);
    }

    private sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);
}

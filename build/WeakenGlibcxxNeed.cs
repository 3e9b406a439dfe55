// MSBuild task (compiled by RoslynCodeTaskFactory) that makes libLibTorchSharp.so load on hosts whose libstdc++
// predates GCC 13 (Debian 12). The library declares a need for GLIBCXX_3.4.32 only because GCC 13 emits a
// link-time marker symbol (_ZSt21ios_base_library_initv) that nothing calls. Marking that one version need as
// weak (VER_FLG_WEAK) lets the dynamic loader accept an older libstdc++; newer hosts are unaffected.
// The file is rewritten through a temporary copy so a hard link into the NuGet cache is never modified.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required]
    public string LibraryPath { get; set; } = "";

    public string VersionName { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        if (!File.Exists(LibraryPath))
        {
            return true;
        }

        byte[] elf = File.ReadAllBytes(LibraryPath);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogWarning("{0} is not a 64-bit little-endian ELF file; left unchanged.", LibraryPath);
            return true;
        }

        long sectionTable = BitConverter.ToInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionTable + (long)i * sectionSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = BitConverter.ToInt64(elf, (int)header + 24);
            int linkedStrings = (int)BitConverter.ToUInt32(elf, (int)header + 40);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 44);
            long stringsHeader = sectionTable + (long)linkedStrings * sectionSize;
            long strings = BitConverter.ToInt64(elf, (int)stringsHeader + 24);
            changed += WeakenIn(elf, offset, needCount, strings);
        }

        if (changed == 0)
        {
            return true;
        }

        string temporary = LibraryPath + ".weakening";
        File.WriteAllBytes(temporary, elf);
        File.Replace(temporary, LibraryPath, null);
        Log.LogMessage(MessageImportance.Normal, "Marked {0} as a weak version need in {1}.", VersionName, LibraryPath);
        return true;
    }

    private int WeakenIn(byte[] elf, long verneed, int needCount, long strings)
    {
        int changed = 0;
        long need = verneed;
        for (int n = 0; n < needCount; n++)
        {
            int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                int flagsAt = (int)aux + 4;
                ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                if (ReadString(elf, strings + name) == VersionName && (flags & VerFlagWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, flagsAt);
                    changed++;
                }

                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }

            need += BitConverter.ToUInt32(elf, (int)need + 12);
        }

        return changed;
    }

    private static string ReadString(byte[] elf, long at)
    {
        int end = (int)at;
        while (end < elf.Length && elf[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }
}

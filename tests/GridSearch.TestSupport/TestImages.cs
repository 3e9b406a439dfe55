using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace GridSearch.TestSupport;

/// <summary>Writes small images and ImageFolder trees for tests.</summary>
public static class TestImages
{
    public static void SolidPng(string path, int width, int height, Rgba32 colour)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgba32>(width, height, colour);
        image.Save(path, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
    }

    public static void GreyPng(string path, int width, int height, byte level)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<L8>(width, height, new L8(level));
        image.Save(path, new PngEncoder { ColorType = PngColorType.Grayscale });
    }

    public static void GreyJpeg(string path, int width, int height, byte level)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<L8>(width, height, new L8(level));
        image.Save(path, new JpegEncoder { Quality = 100, ColorType = JpegColorType.Luminance });
    }

    public static void SolidBmp(string path, int width, int height, Rgb24 colour)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, colour);
        image.Save(path, new BmpEncoder());
    }

    /// <summary>An animated GIF: a red first frame, then frames of other colours (noise, so they do not compress away).</summary>
    public static void AnimatedGif(string path, int width, int height, int frames)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgba32>(width, height, new Rgba32(255, 0, 0));
        var random = new Random(frames);
        for (int f = 1; f < frames; f++)
        {
            using var frame = new Image<Rgba32>(width, height);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    frame[x, y] = new Rgba32((byte)random.Next(256), (byte)random.Next(256), 255);
                }
            }

            image.Frames.AddFrame(frame.Frames.RootFrame);
        }

        image.Save(path, new SixLabors.ImageSharp.Formats.Gif.GifEncoder());
    }

    /// <summary>Noisy JPEGs whose mean brightness depends on the class: learnable, not trivially.</summary>
    public static void NoisyJpeg(string path, int width, int height, int label, Random random)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height);
        int lean = label == 1 ? 30 : -30;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte v = (byte)Math.Clamp(128 + lean + random.Next(-60, 61), 0, 255);
                image[x, y] = new Rgb24(v, (byte)(255 - v), 128);
            }
        }

        image.Save(path, new JpegEncoder { Quality = 85 });
    }

    /// <summary>
    /// An ImageFolder of noisy JPEGs, sizes varying per image: two classes "a" and "b" (brightness tells them apart),
    /// or with <paramref name="classes"/> above 2, classes "a", "b", "c", … each leaning to one colour channel.
    /// </summary>
    public static string WriteImageFolder(string root, int perClass, int seed = 1, int classes = 2)
    {
        var random = new Random(seed);
        for (int label = 0; label < classes; label++)
        {
            string name = ((char)('a' + label)).ToString();
            for (int i = 0; i < perClass; i++)
            {
                string path = System.IO.Path.Combine(root, name, $"{name}{i:D3}.jpg");
                if (classes == 2)
                {
                    NoisyJpeg(path, random.Next(20, 60), random.Next(20, 60), label, random);
                }
                else
                {
                    NoisyColourJpeg(path, random.Next(20, 60), random.Next(20, 60), label % 3, random);
                }
            }
        }

        return root;
    }

    /// <summary>Noisy JPEGs in which one colour channel (0 red, 1 green, 2 blue) is brighter: one class per channel.</summary>
    public static void NoisyColourJpeg(string path, int width, int height, int channel, Random random)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte Noisy(int c) => (byte)Math.Clamp(110 + (c == channel ? 50 : 0) + random.Next(-60, 61), 0, 255);
                image[x, y] = new Rgb24(Noisy(0), Noisy(1), Noisy(2));
            }
        }

        image.Save(path, new JpegEncoder { Quality = 85 });
    }

    /// <summary>A PNG whose header claims the given size but holds no pixel data.</summary>
    public static void PngHeaderOnly(string path, int width, int height)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        using var stream = File.Create(path);
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IEND", []);
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. typeBytes, .. data]));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}

using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace CareLedger.Contracts.Tests.Determinism;

/// <summary>One IL instruction: its offset, opcode and (for token operands) the metadata token.</summary>
public readonly record struct Instruction(int Offset, OpCode OpCode, int Token);

/// <summary>
/// Walks a method body instruction by instruction, using the opcode table of
/// <see cref="OpCodes"/> for opcode and operand sizes, so operand bytes are never read as opcodes.
/// </summary>
public static class IlReader
{
    private static readonly OpCode?[] OneByte = new OpCode?[256];
    private static readonly OpCode?[] TwoByte = new OpCode?[256];

    static IlReader()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.OpCodeType == OpCodeType.Nternal) continue;
            (op.Size == 1 ? OneByte : TwoByte)[op.Value & 0xFF] = op;
        }
    }

    public static IEnumerable<Instruction> Read(MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var result = new List<Instruction>();
        while (il.RemainingBytes > 0)
        {
            var offset = il.Offset;
            var first = il.ReadByte();
            var op = first == 0xFE ? TwoByte[il.ReadByte()] : OneByte[first];
            if (op is not { } code) throw new BadImageFormatException($"unknown opcode at IL offset {offset}");
            var token = 0;
            switch (code.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI or OperandType.InlineBrTarget or OperandType.ShortInlineR or OperandType.InlineString:
                    il.Offset += 4;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok or OperandType.InlineSig:
                    token = il.ReadInt32();
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default:
                    throw new BadImageFormatException($"opcode {code.Name} at IL offset {offset} has an unsupported operand type {code.OperandType}");
            }
            result.Add(new Instruction(offset, code, token));
        }
        return result;
    }
}

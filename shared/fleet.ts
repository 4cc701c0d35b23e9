/**
 * The fleet: the 28 bridge points (điểm cầu), the central MCU and the two partners of the
 * appendix to Decision 345/QĐ-UBND (2 Oct 2017), taken from `seed/rooms.json`. These 28 rooms are
 * what a hub serves by default; a larger fleet comes from a fleet file (shared/fleet-file.ts).
 */
import type { Room } from './fleet-file.js';

export type { Room, RoomKind } from './fleet-file.js';

export interface Partner {
  id: string;
  name: string;
  role: string;
}

export const centralServer = {
  id: 'mcu',
  name: 'Máy chủ trung tâm',
  site: 'Trung tâm tích hợp dữ liệu tỉnh',
  operator: 'so-tttt',
} as const;

export const rooms: readonly Room[] = [
  {
    no: 1,
    id: 'tinh-uy',
    name: 'Văn phòng Tỉnh ủy',
    nameEn: 'Provincial Party Committee Office',
    kind: 'party',
  },
  {
    no: 2,
    id: 'hdnd-tinh',
    name: 'Văn phòng HĐND tỉnh',
    nameEn: "Provincial People's Council Office",
    kind: 'council',
  },
  {
    no: 3,
    id: 'ubnd-tinh',
    name: 'Văn phòng UBND tỉnh',
    nameEn: "Provincial People's Committee Office",
    kind: 'committee',
  },
  {
    no: 4,
    id: 'ubnd-tp-tuyen-quang',
    name: 'UBND Thành phố Tuyên Quang',
    nameEn: "Tuyen Quang City People's Committee",
    kind: 'district',
  },
  {
    no: 5,
    id: 'ubnd-son-duong',
    name: 'UBND huyện Sơn Dương',
    nameEn: "Son Duong District People's Committee",
    kind: 'district',
  },
  {
    no: 6,
    id: 'ubnd-yen-son',
    name: 'UBND huyện Yên Sơn',
    nameEn: "Yen Son District People's Committee",
    kind: 'district',
  },
  {
    no: 7,
    id: 'ubnd-ham-yen',
    name: 'UBND huyện Hàm Yên',
    nameEn: "Ham Yen District People's Committee",
    kind: 'district',
  },
  {
    no: 8,
    id: 'ubnd-chiem-hoa',
    name: 'UBND huyện Chiêm Hóa',
    nameEn: "Chiem Hoa District People's Committee",
    kind: 'district',
  },
  {
    no: 9,
    id: 'ubnd-na-hang',
    name: 'UBND huyện Na Hang',
    nameEn: "Na Hang District People's Committee",
    kind: 'district',
  },
  {
    no: 10,
    id: 'ubnd-lam-binh',
    name: 'UBND huyện Lâm Bình',
    nameEn: "Lam Binh District People's Committee",
    kind: 'district',
  },
  {
    no: 11,
    id: 'so-tttt',
    name: 'Sở Thông tin và Truyền thông',
    nameEn: 'Department of Information and Communications',
    kind: 'department',
    operatesNetwork: true,
  },
  {
    no: 12,
    id: 'so-cong-thuong',
    name: 'Sở Công Thương',
    nameEn: 'Department of Industry and Trade',
    kind: 'department',
  },
  {
    no: 13,
    id: 'so-gddt',
    name: 'Sở Giáo dục và Đào tạo',
    nameEn: 'Department of Education and Training',
    kind: 'department',
  },
  {
    no: 14,
    id: 'so-gtvt',
    name: 'Sở Giao thông Vận tải',
    nameEn: 'Department of Transport',
    kind: 'department',
  },
  {
    no: 15,
    id: 'so-xay-dung',
    name: 'Sở Xây dựng',
    nameEn: 'Department of Construction',
    kind: 'department',
  },
  {
    no: 16,
    id: 'so-khcn',
    name: 'Sở Khoa học và Công nghệ',
    nameEn: 'Department of Science and Technology',
    kind: 'department',
  },
  { no: 17, id: 'so-tu-phap', name: 'Sở Tư pháp', nameEn: 'Department of Justice', kind: 'department' },
  {
    no: 18,
    id: 'so-tnmt',
    name: 'Sở Tài nguyên và Môi trường',
    nameEn: 'Department of Natural Resources and Environment',
    kind: 'department',
  },
  { no: 19, id: 'so-y-te', name: 'Sở Y tế', nameEn: 'Department of Health', kind: 'department' },
  {
    no: 20,
    id: 'so-ngoai-vu',
    name: 'Sở Ngoại vụ',
    nameEn: 'Department of Foreign Affairs',
    kind: 'department',
  },
  { no: 21, id: 'so-noi-vu', name: 'Sở Nội vụ', nameEn: 'Department of Home Affairs', kind: 'department' },
  {
    no: 22,
    id: 'so-khdt',
    name: 'Sở Kế hoạch và Đầu tư',
    nameEn: 'Department of Planning and Investment',
    kind: 'department',
  },
  { no: 23, id: 'so-tai-chinh', name: 'Sở Tài chính', nameEn: 'Department of Finance', kind: 'department' },
  {
    no: 24,
    id: 'ban-dan-toc',
    name: 'Ban Dân tộc',
    nameEn: 'Ethnic Minorities Committee',
    kind: 'department',
  },
  {
    no: 25,
    id: 'so-ldtbxh',
    name: 'Sở Lao động, Thương binh và Xã hội',
    nameEn: 'Department of Labour, Invalids and Social Affairs',
    kind: 'department',
  },
  {
    no: 26,
    id: 'so-nnptnt',
    name: 'Sở Nông nghiệp và Phát triển nông thôn',
    nameEn: 'Department of Agriculture and Rural Development',
    kind: 'department',
  },
  {
    no: 27,
    id: 'thanh-tra-tinh',
    name: 'Thanh tra tỉnh',
    nameEn: 'Provincial Inspectorate',
    kind: 'department',
  },
  {
    no: 28,
    id: 'so-vhttdl',
    name: 'Sở Văn hóa, Thể thao và Du lịch',
    nameEn: 'Department of Culture, Sports and Tourism',
    kind: 'department',
  },
];

export const partners: readonly Partner[] = [
  {
    id: 'vnpt-tuyen-quang',
    name: 'Viễn thông Tuyên Quang',
    role: 'telecom: transmission line, on-call line technician during rehearsals and meetings (Điều 13.1)',
  },
  {
    id: 'dien-luc-tuyen-quang',
    name: 'Công ty Điện lực Tuyên Quang',
    role: 'power utility: stable supply to the central server and rooms per the meeting plan, on-call power technician (Điều 13.2)',
  },
];

/** The rooms one hub serves, looked up by id. */
export class Fleet {
  private readonly byId: ReadonlyMap<string, Room>;

  constructor(readonly rooms: readonly Room[]) {
    this.byId = new Map(rooms.map((room) => [room.id, room]));
  }

  find(id: string): Room | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}

/** What a hub serves without a fleet file. */
export const builtInFleet = new Fleet(rooms);
